// htmlcheck.mjs — a small, strict HTML checker for the pages we serve.
//
// checkHtml(text) returns a list of problems (empty when the page is fine):
// a doctype; <html lang="fa" dir="rtl">; <meta charset="utf-8">; a non-empty
// <title>; every element closed in order (no optional end tags: we write
// them all), void elements never closed, "/>" only on void elements or
// inside <svg>; attributes quoted (a bare name only for boolean attributes),
// none repeated; no duplicate ids; every '&' an entity; no block element
// inside <p>; no form inside a form; no interactive element inside <a>.
// assertValidHtml(text, where) throws with the problems listed.
import assert from 'node:assert/strict';

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link',
  'meta', 'source', 'track', 'wbr']);
const RAW = new Set(['script', 'style', 'textarea', 'title']);
const BOOLEAN = new Set(['selected', 'checked', 'disabled', 'required', 'readonly',
  'multiple', 'hidden', 'autofocus', 'novalidate', 'open', 'defer', 'async']);
const BLOCK = new Set(['address', 'article', 'aside', 'blockquote', 'div', 'dl', 'fieldset',
  'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'table', 'ul']);
const INTERACTIVE = new Set(['a', 'button', 'input', 'select', 'textarea']);

export function checkHtml(text) {
  const err = [];
  const ids = new Map();
  const stack = [];
  let i = 0;
  let line = 1;
  const where = () => `line ${line}`;
  if (!/^<!doctype html>/i.test(text)) err.push('no <!doctype html> at the start');
  const html = text.match(/<html\b[^>]*>/i);
  if (!html || !/\blang="fa"/.test(html[0]) || !/\bdir="rtl"/.test(html[0])) {
    err.push('<html> lacks lang="fa" dir="rtl"');
  }
  if (!/<meta charset="utf-8">/i.test(text)) err.push('no <meta charset="utf-8">');
  const title = text.match(/<title>([^<]*)<\/title>/);
  if (!title || !title[1].trim()) err.push('no or empty <title>');

  const inside = (name) => stack.some((e) => e === name);
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    checkText(chunk);
    line += (chunk.match(/\n/g) || []).length;
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      if (end < 0) { err.push(`${where()}: unclosed comment`); break; }
      i = end + 3;
      continue;
    }
    if (/^<!doctype/i.test(text.slice(lt, lt + 9))) { i = text.indexOf('>', lt) + 1; continue; }
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(text.slice(lt));
    if (!m) { err.push(`${where()}: a '<' that starts no tag: ${text.slice(lt, lt + 20)}`); i = lt + 1; continue; }
    const [all, close, rawName, rest] = m;
    const name = rawName.toLowerCase();
    line += (all.match(/\n/g) || []).length;
    i = lt + all.length;
    if (close) {
      if (VOID.has(name)) { err.push(`${where()}: </${name}> closes a void element`); continue; }
      const top = stack.pop();
      if (top !== name) {
        err.push(`${where()}: </${name}> closes <${top ?? 'nothing'}>`);
        if (top !== undefined) stack.push(top);
        const k = stack.lastIndexOf(name);
        if (k >= 0) stack.length = k;
      }
      continue;
    }
    const selfClose = /\/\s*$/.test(rest);
    checkAttrs(name, selfClose ? rest.replace(/\/\s*$/, '') : rest);
    if (stack.at(-1) === 'p' && BLOCK.has(name)) err.push(`${where()}: <${name}> inside <p>`);
    if (name === 'form' && inside('form')) err.push(`${where()}: a form inside a form`);
    if (INTERACTIVE.has(name) && inside('a')) err.push(`${where()}: <${name}> inside <a>`);
    if (selfClose) {
      if (!VOID.has(name) && !inside('svg')) err.push(`${where()}: <${name}/> self-closed outside svg`);
      continue;
    }
    if (VOID.has(name)) continue;
    if (RAW.has(name)) {
      const end = text.toLowerCase().indexOf(`</${name}>`, i);
      if (end < 0) { err.push(`${where()}: <${name}> never closed`); break; }
      if (name !== 'script' && name !== 'style') checkText(text.slice(i, end));
      line += (text.slice(i, end).match(/\n/g) || []).length;
      i = end + name.length + 3;
      continue;
    }
    stack.push(name);
  }
  if (stack.length) err.push(`unclosed at the end: ${stack.join(' > ')}`);
  return err;

  function checkText(s) {
    const re = /&(?![a-zA-Z][a-zA-Z0-9]*;|#[0-9]+;|#x[0-9a-fA-F]+;)/g;
    if (re.test(s)) err.push(`${where()}: a bare '&' in text: ${s.slice(0, 60)}`);
    if (s.includes('>') && !inside('svg')) {
      // '>' is legal in text, but after our escaper it should never appear
      err.push(`${where()}: a bare '>' in text: ${s.slice(0, 60)}`);
    }
  }

  function checkAttrs(tag, s) {
    const seen = new Set();
    const re = /\s+([^\s=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/gy;
    let m;
    let pos = 0;
    re.lastIndex = 0;
    while ((m = re.exec(s)) !== null) {
      pos = re.lastIndex;
      const [, an, av] = m;
      const a = an.toLowerCase();
      if (seen.has(a)) err.push(`${where()}: <${tag}> repeats the attribute ${a}`);
      seen.add(a);
      if (av === undefined) {
        if (!BOOLEAN.has(a)) err.push(`${where()}: <${tag}> attribute ${a} has no value`);
        continue;
      }
      if (!/^["']/.test(av)) err.push(`${where()}: <${tag}> attribute ${a}=${av} not quoted`);
      const v = av.replace(/^["']|["']$/g, '');
      if (/&(?![a-zA-Z][a-zA-Z0-9]*;|#[0-9]+;|#x[0-9a-fA-F]+;)/.test(v)) {
        err.push(`${where()}: <${tag}> attribute ${a} has a bare '&'`);
      }
      if (a === 'id') {
        if (ids.has(v)) err.push(`${where()}: duplicate id "${v}"`);
        ids.set(v, true);
      }
      if (a === 'style') err.push(`${where()}: style attribute (the CSP forbids it)`);
      if (/^on/.test(a)) err.push(`${where()}: event handler attribute ${a}`);
    }
    if (s.slice(pos).trim() !== '') err.push(`${where()}: <${tag}> has unparsable attributes: ${s.slice(pos, pos + 40)}`);
  }
}

export function assertValidHtml(text, label = 'page') {
  const e = checkHtml(text);
  assert.deepEqual(e, [], `${label} is not valid HTML:\n  ${e.slice(0, 20).join('\n  ')}`);
}
