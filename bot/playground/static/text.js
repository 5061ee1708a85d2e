// Slack's text objects as HTML: plain_text (with :emoji:) and the mrkdwn subset bots use.

const EMOJI = {
  hourglass_flowing_sand: "\u23f3",
  arrows_counterclockwise: "\ud83d\udd04",
  white_check_mark: "\u2705",
  x: "\u274c",
  fast_forward: "\u23e9",
  warning: "\u26a0\ufe0f",
  lock: "\ud83d\udd12",
  mag: "\ud83d\udd0d",
  information_source: "\u2139\ufe0f",
  no_entry_sign: "\ud83d\udeab",
  rocket: "\ud83d\ude80",
  raised_hand: "\u270b",
  no_entry: "\u26d4",
  hourglass: "\u231b",
  grey_question: "\u2754",
};

// Escapes for HTML, keeping the three entities Slack text already carries (&amp; &lt; &gt;).
function escapeKeepingEntities(text) {
  return text
    .replace(/&(?!(amp|lt|gt);)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export function escapeHtml(text) {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function emoji(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

// Formatting marks apply only at word edges, as in Slack (so snake_case stays intact).
function formatted(html) {
  return emoji(html)
    .replace(/```([\s\S]+?)```/g, "<pre>$1</pre>")
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, "$1<b>$2</b>")
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, "$1<i>$2</i>")
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, "$1<s>$2</s>")
    .replace(/\n/g, "<br>");
}

function token(inner, directory) {
  const [target, label] = inner.split("|", 2);
  if (target.startsWith("@")) {
    const member = (directory.members || []).find((m) => m.id === target.slice(1));
    const name = label || (member ? member.name : target.slice(1));
    return `<span class="mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("#")) {
    const channel = (directory.channels || []).find((c) => c.id === target.slice(1));
    const name = label || (channel ? channel.name : target.slice(1));
    return `<span class="mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith("!date^")) {
    // <!date^seconds^format|fallback>: shown in the reader's own time zone.
    const when = new Date(Number(target.split("^")[1]) * 1000);
    const shown = Number.isNaN(when.getTime()) ? label || "" : when.toLocaleString();
    return `<time>${escapeHtml(shown)}</time>`;
  }
  if (target.startsWith("!")) {
    return `<span class="mention">@${escapeHtml(label || target.slice(1))}</span>`;
  }
  const href = /^(https?:|mailto:)/.test(target) ? target : "#";
  const shown = label ? formatted(escapeKeepingEntities(label)) : escapeHtml(target);
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">${shown}</a>`;
}

export function mrkdwn(text, directory) {
  const parts = String(text).split(/<([^<>]*)>/);
  return parts
    .map((part, index) =>
      index % 2 ? token(part, directory) : formatted(escapeKeepingEntities(part)),
    )
    .join("");
}

// A text object ({type, text}) as HTML.
export function textHtml(object, directory) {
  if (!object) return "";
  if (typeof object === "string") return escapeHtml(object);
  if (object.type === "mrkdwn") return mrkdwn(object.text, directory);
  const plain = escapeHtml(object.text).replace(/\n/g, "<br>");
  return object.emoji === false ? plain : emoji(plain);
}

export function plain(object) {
  if (!object) return "";
  return typeof object === "string" ? object : object.text || "";
}
