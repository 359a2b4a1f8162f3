// Copy and save on the account pages (issue 22): the authenticator key and recovery codes are copied with one tap
// or saved as a text file made here in the browser, so the codes never travel to the server again or sit in a URL.
//   <button type="button" data-copy="ID" hidden>          copies the text of element ID (a list: one item a line;
//                                                           data-copy-text on the element: that instead)
//   <button type="button" data-download="ID" data-filename="x.txt" data-intro="..." hidden>   saves it as a file
// The buttons are rendered hidden and shown here, so a browser without script shows only the selectable text.
// A [role=status] element next to a button says what happened, for screen readers too.

const textOf = (id) => {
  const element = document.getElementById(id);
  if (!element) return '';
  // A key shown in groups for reading is copied in one piece, as apps expect it.
  if (element.dataset.copyText) return element.dataset.copyText;
  const items = element.matches('ul, ol') ? [...element.querySelectorAll('li')] : [];
  return items.length ? items.map(li => li.textContent.trim()).join('\n') : element.textContent.trim();
};

const say = (button, words) => {
  const status = button.parentElement?.querySelector('[role=status]');
  if (status) status.textContent = words;
};

const copy = async (text) => {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older browsers, or no clipboard permission: the selection route still works from a tap.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let done = false;
    try { done = document.execCommand('copy'); } catch { done = false; }
    area.remove();
    return done;
  }
};

const selectText = (id) => {
  const element = document.getElementById(id);
  if (!element) return;
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
};

const labels = new WeakMap();

document.addEventListener('click', async (event) => {
  const copyButton = event.target.closest('button[data-copy]');
  if (copyButton) {
    const id = copyButton.dataset.copy;
    if (await copy(textOf(id))) {
      if (!labels.has(copyButton)) labels.set(copyButton, copyButton.textContent);
      copyButton.textContent = 'Copied';
      say(copyButton, 'Copied');
      setTimeout(() => { copyButton.textContent = labels.get(copyButton); }, 4000);
    } else {
      selectText(id);
      say(copyButton, 'Could not copy by itself: the text is selected, copy it from your menu.');
    }
    return;
  }

  const saveButton = event.target.closest('button[data-download]');
  if (saveButton) {
    const intro = saveButton.dataset.intro ? saveButton.dataset.intro + '\n\n' : '';
    const name = saveButton.dataset.filename || 'tandem.txt';
    const url = URL.createObjectURL(new Blob([intro + textOf(saveButton.dataset.download) + '\n'], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say(saveButton, `Saved as ${name}`);
  }
});

const reveal = () => document.querySelectorAll('button[data-copy][hidden], button[data-download][hidden]').forEach(b => { b.hidden = false; });
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', reveal);
else reveal();
window.Blazor?.addEventListener?.('enhancedload', reveal);
