// Markdown for the companion's replies, made safe: the text becomes DOM nodes built one by one (textContent,
// never innerHTML), so nothing in a reply can become markup or script. Links go only to http(s) and mailto, and
// open in a new tab without telling the other site where they came from.
// Covers what a chat model writes: paragraphs, line breaks, **bold**, *italic*, `code`, fenced code blocks,
// headings, bulleted and numbered lists, quotes, links. A reply still being written renders as far as it goes.

const INLINE = new RegExp([
  "(`+)([^`]|[^`][\\s\\S]*?[^`])\\1(?!`)",            // 1,2: code
  "\\*\\*(?=\\S)([\\s\\S]*?\\S)\\*\\*",                // 3: bold
  "__(?=\\S)([\\s\\S]*?\\S)__(?!\\w)",                 // 4: bold
  "\\*(?=[^\\s*])([\\s\\S]*?[^\\s*])\\*",              // 5: italic
  "(?<!\\w)_(?=[^\\s_])([\\s\\S]*?[^\\s_])_(?!\\w)",   // 6: italic
  "\\[([^\\]\\n]+)\\]\\(([^)\\s]+)\\)",                // 7,8: link
  "(https?:\\/\\/[^\\s<>]*[^\\s<>.,;:!?)\\]'\"])",     // 9: a bare address
].join("|"), "g");

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

function link(text, href) {
  if (!SAFE_URL.test(href)) return document.createTextNode(text);
  const a = document.createElement("a");
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer nofollow";
  a.textContent = text;
  return a;
}

function wrap(tag, children) {
  const el = document.createElement(tag);
  el.append(...children);
  return el;
}

export function inline(text) {
  const out = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    if (m[2] !== undefined) out.push(wrap("code", [m[2]]));
    else if (m[3] !== undefined || m[4] !== undefined) out.push(wrap("strong", inline(m[3] ?? m[4])));
    else if (m[5] !== undefined || m[6] !== undefined) out.push(wrap("em", inline(m[5] ?? m[6])));
    else if (m[7] !== undefined) out.push(link(m[7], m[8]));
    else out.push(link(m[9], m[9]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

// Lines joined with <br>: a model's single line breaks are meant.
function lines(textLines) {
  const out = [];
  textLines.forEach((line, i) => {
    if (i) out.push(document.createElement("br"));
    out.push(...inline(line));
  });
  return out;
}

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const NUMBERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || BULLET.test(line) || NUMBERED.test(line) || QUOTE.test(line)
    || RULE.test(line);
}

export function render(text) {
  const src = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks = [];
  let i = 0;
  while (i < src.length) {
    const line = src[i];
    if (!line.trim()) { i++; continue; }
    let m;
    if ((m = FENCE.exec(line))) {
      const body = [];
      i++;
      while (i < src.length && !src[i].trim().startsWith(m[1])) body.push(src[i++]);
      i++; // the closing fence (or the end of a reply still being written)
      const code = wrap("code", [body.join("\n")]);
      if (m[2]) code.dataset.lang = m[2];
      blocks.push(wrap("pre", [code]));
    } else if ((m = HEADING.exec(line))) {
      blocks.push(wrap(`h${Math.min(6, m[1].length + 2)}`, inline(m[2])));
      i++;
    } else if (RULE.test(line)) {
      blocks.push(document.createElement("hr"));
      i++;
    } else if (BULLET.test(line) || NUMBERED.test(line)) {
      const numbered = !BULLET.test(line);
      const pattern = numbered ? NUMBERED : BULLET;
      const list = document.createElement(numbered ? "ol" : "ul");
      if (numbered) {
        const start = Number(NUMBERED.exec(line)[1]);
        if (start !== 1) list.start = start;
      }
      while (i < src.length && (m = pattern.exec(src[i]))) {
        const item = [m[numbered ? 2 : 1]];
        i++;
        while (i < src.length && src[i].trim() && /^\s{2,}/.test(src[i]) && !pattern.test(src[i])) item.push(src[i++].trim());
        list.append(wrap("li", lines(item)));
      }
      blocks.push(list);
    } else if (QUOTE.test(line)) {
      const quoted = [];
      while (i < src.length && (m = QUOTE.exec(src[i]))) { quoted.push(m[1]); i++; }
      blocks.push(wrap("blockquote", [...render(quoted.join("\n"))]));
    } else {
      const para = [];
      while (i < src.length && src[i].trim() && (!para.length || !startsBlock(src[i]))) para.push(src[i++]);
      blocks.push(wrap("p", lines(para)));
    }
  }
  return blocks;
}
