/**
 * xterm's DOM renderer writes its theme and cell sizes into `<style>` elements of its own; the
 * page's CSP (`style-src 'self'`, no 'unsafe-inline') refuses those, and the terminal would draw
 * unstyled. A stylesheet built through the CSSOM is no inline markup, and the policy lets it be:
 * while `open` runs (xterm makes its style elements then), each `<style>` it asks for is an inert
 * `<template>` whose text is mirrored into a sheet adopted by the document. Returns the function
 * that takes those sheets away again.
 */
export function withAdoptedStyles(doc: Document, open: () => void): () => void {
  const sheets: CSSStyleSheet[] = [];
  const observers: MutationObserver[] = [];
  const createElement = doc.createElement;
  const make = (tag: string, options?: ElementCreationOptions): HTMLElement => {
    if (tag.toLowerCase() !== 'style') return createElement.call(doc, tag, options);
    const holder = createElement.call(doc, 'template');
    const sheet = new doc.defaultView!.CSSStyleSheet();
    sheets.push(sheet);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    const observer = new MutationObserver(() => sheet.replaceSync(holder.textContent ?? ''));
    observer.observe(holder, { childList: true, characterData: true, subtree: true });
    observers.push(observer);
    return holder;
  };
  doc.createElement = make as Document['createElement'];
  try {
    open();
  } finally {
    doc.createElement = createElement;
  }
  return () => {
    for (const observer of observers.splice(0)) observer.disconnect();
    const ours = new Set(sheets.splice(0));
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((sheet) => !ours.has(sheet));
  };
}
