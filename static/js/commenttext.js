// Comment text as DOM nodes, never as markup: the same rules as designer/review/text.py.
// Line breaks stay, http(s) links become links (without the sentence's closing punctuation),
// @names of members are highlighted. Everything else is text nodes.
const LINK = /https?:\/\/[^\s<>"'\x00-\x1f]+/gi;
const TRAILING = ".,;:!?)]}'\"";
const MENTION = /(^|[^\w@.+-])@([\w.@+-]{1,150})/g;

function splitLink(url) {
  let end = url.length;
  while (end && TRAILING.includes(url[end - 1])) {
    const head = url.slice(0, end);
    if (url[end - 1] === ")" && head.split("(").length >= head.split(")").length) break;
    end -= 1;
  }
  return [url.slice(0, end), url.slice(end)];
}

function withMentions(text, members) {
  const out = [];
  let pos = 0;
  for (const m of text.matchAll(MENTION)) {
    const name = m[2].replace(/\.+$/, "");
    if (!members.has(name)) continue;
    const at = m.index + m[1].length;
    out.push(document.createTextNode(text.slice(pos, at)));
    const span = document.createElement("span");
    span.className = "mention";
    span.textContent = `@${name}`;
    out.push(span);
    pos = at + name.length + 1;
  }
  out.push(document.createTextNode(text.slice(pos)));
  return out;
}

export function commentNodes(text, members = new Set()) {
  const nodes = [];
  text.split("\n").forEach((line, i) => {
    if (i) nodes.push(document.createElement("br"));
    let pos = 0;
    for (const m of line.matchAll(LINK)) {
      const [url, rest] = splitLink(m[0]);
      nodes.push(...withMentions(line.slice(pos, m.index), members));
      if (/^https?:\/\/$/i.test(url)) {
        nodes.push(document.createTextNode(url));
      } else {
        const a = document.createElement("a");
        a.href = url;
        a.rel = "noopener noreferrer nofollow";
        a.target = "_blank";
        a.textContent = url;
        nodes.push(a);
      }
      nodes.push(document.createTextNode(rest));
      pos = m.index + m[0].length;
    }
    nodes.push(...withMentions(line.slice(pos), members));
  });
  return nodes;
}
