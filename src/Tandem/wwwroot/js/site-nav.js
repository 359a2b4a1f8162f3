// The header's "Menu" on narrow screens: one set of links, shown inline on wide screens by CSS and
// behind this button on narrow ones. Delegated, so it keeps working across Blazor's enhanced navigation.
(() => {
  const header = () => document.querySelector('.site-header');
  const setOpen = (open, focusToggle) => {
    const h = header();
    const toggle = h?.querySelector('.nav-toggle');
    if (!h || !toggle) return;
    h.classList.toggle('nav-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (open) h.querySelector('.site-nav a, .site-nav button')?.focus();
    else if (focusToggle) toggle.focus();
  };
  document.addEventListener('click', e => {
    if (e.target.closest('.nav-toggle')) {
      setOpen(!header()?.classList.contains('nav-open'), false);
    } else if (header()?.classList.contains('nav-open') && (!e.target.closest('.site-nav') || e.target.closest('a'))) {
      setOpen(false, false);
    }
  });
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && header()?.classList.contains('nav-open')) setOpen(false, true);
  });
})();
