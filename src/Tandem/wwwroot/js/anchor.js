// Pages that open at their end (a conversation: the newest message and the reply box, issue 22).
// An element marked data-open-at-end is brought into view, its bottom at the bottom of the screen,
// on a full load and after Blazor's enhanced navigation; interactive pages call toEnd again once
// they have rendered, and after posting, so the reply box stays where the thumb is.
(() => {
  const toEnd = () => {
    const target = document.querySelector('[data-open-at-end]');
    if (!target) return;
    requestAnimationFrame(() => target.scrollIntoView({ block: 'end', inline: 'nearest' }));
  };
  window.tandemAnchor = { toEnd };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', toEnd);
  else toEnd();
  if (window.Blazor?.addEventListener) window.Blazor.addEventListener('enhancedload', toEnd);
})();
