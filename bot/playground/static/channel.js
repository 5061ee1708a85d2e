// A channel's messages laid out as Slack lays them out: each top-level message, and under
// it the replies of its thread (those whose thread_ts is its ts), which can be folded away.

import { renderBlocks } from "./blocks.js";
import { mrkdwn } from "./text.js";

// ctx: the context blocks.js needs to draw and act (directory, onAction, suggest).
export function messageNode(message, note, ctx) {
  const el = document.createElement("article");
  el.className = `message${note ? " ephemeral" : ""}`;
  el.dataset.ts = message.ts || "";
  const edited = message.edits ? ' <span class="edited">(edited)</span>' : "";
  const badge = note
    ? `<span class="only-you">Only visible to you${note === "url" ? " (via response URL)" : ""}` +
      "</span>"
    : "";
  const author = '<b>workflow-bot</b> <span class="app-badge">APP</span>';
  el.innerHTML = `<div class="message-meta">${author}${edited} ${badge}</div>`;
  if (message.blocks && message.blocks.length) el.append(renderBlocks(message.blocks, ctx));
  else
    el.insertAdjacentHTML(
      "beforeend",
      `<div class="message-text">${mrkdwn(message.text || "", ctx.directory)}</div>`,
    );
  return el;
}

// [{message, replies}] in the order given; a reply whose parent is not among the
// messages (another channel, or gone) is shown as a message of its own.
export function threaded(messages) {
  const parents = new Set(messages.filter((m) => !isReply(m)).map((m) => m.ts));
  const replies = new Map();
  const top = [];
  for (const message of messages) {
    if (isReply(message) && parents.has(message.thread_ts)) {
      if (!replies.has(message.thread_ts)) replies.set(message.thread_ts, []);
      replies.get(message.thread_ts).push(message);
    } else top.push(message);
  }
  return top.map((message) => ({ message, replies: replies.get(message.ts) || [] }));
}

// The replies under their parent, open unless the person folded them.
// onFold(folded) is told when the person opens or folds the thread.
export function threadNode(parentTs, replies, { folded, onFold, ctxFor }) {
  const thread = document.createElement("details");
  thread.className = "thread";
  thread.dataset.threadOf = parentTs;
  thread.open = !folded;
  const summary = document.createElement("summary");
  summary.textContent = `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`;
  thread.append(summary);
  for (const reply of replies) {
    const node = messageNode(reply, null, ctxFor(reply));
    node.classList.add("reply");
    thread.append(node);
  }
  thread.addEventListener("toggle", () => onFold(!thread.open));
  return thread;
}

function isReply(message) {
  return Boolean(message.thread_ts) && message.thread_ts !== message.ts;
}
