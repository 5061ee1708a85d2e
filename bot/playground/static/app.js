// The playground page: channels, the composer, the open modal and the schema preview.
// It polls the server for what Slack holds (messages, the open view) and redraws changes.

import { missingRequired, readState, renderBlocks, showErrors } from "./blocks.js";
import { messageNode, threaded, threadNode } from "./channel.js";
import { escapeHtml, plain } from "./text.js";

const POLL_MS = 500;
const $ = (id) => document.getElementById(id);

const page = {
  state: null,
  channel: "C123",
  drawnMessages: "",
  drawnView: "",
  drawnHome: "",
  viewBody: null,
  foldedThreads: new Set(), // "channel:ts" of threads the person folded away
};

async function call(path, body) {
  const response = await fetch(
    path,
    body === undefined
      ? {}
      : {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
        },
  );
  return response.json();
}

function context(where) {
  return {
    directory: page.state,
    onAction: (action) => call("/playground/action", { action, where: where() }),
    suggest: async (blockId, actionId, value) => {
      const view = page.state.view;
      if (!view) return [];
      const answer = await call("/playground/suggest", {
        view_id: view.id,
        block_id: blockId,
        action_id: actionId,
        value,
      });
      return answer.options || [];
    },
  };
}

// -- channels ----------------------------------------------------------------------------

function channelName(id) {
  const channel = page.state.channels.find((c) => c.id === id);
  if (channel) return `#${channel.name}${channel.is_private ? " (private)" : ""}`;
  return id.startsWith("D") ? "workflow-bot (direct message)" : id;
}

function drawSidebar() {
  const dms = [
    ...new Set(page.state.messages.map((m) => m.channel).filter((id) => id.startsWith("D"))),
  ];
  const item = (id) => {
    const active = id === page.channel ? " active" : "";
    const name = escapeHtml(channelName(id));
    const attributes = `class="nav-item${active}" data-channel="${escapeHtml(id)}"`;
    return `<li><button type="button" ${attributes}>${name}</button></li>`;
  };
  $("channels").innerHTML = page.state.channels.map((c) => item(c.id)).join("");
  const actingAs = $("acting-as");
  if (!actingAs.options.length)
    for (const member of page.state.members)
      actingAs.add(new Option(`@${member.name}`, member.id));
  actingAs.value = page.state.me;
  $("dms").innerHTML = dms.map(item).join("");
}

function messageContext(message) {
  return context(() => ({ channel: message.channel, ts: message.ts }));
}

function drawMessages() {
  const { messages, ephemerals, response_url_posts: viaUrl } = page.state;
  const shown = JSON.stringify([page.channel, messages, ephemerals, viaUrl]);
  if (shown === page.drawnMessages) return; // unchanged: keep the DOM (and any open select)
  page.drawnMessages = shown;
  $("channel-name").textContent = channelName(page.channel);
  const pane = $("messages");
  pane.innerHTML = "";
  const here = messages.filter((m) => m.channel === page.channel);
  for (const { message, replies } of threaded(here)) {
    pane.append(messageNode(message, null, messageContext(message)));
    if (!replies.length) continue;
    const key = `${message.channel}:${message.ts}`;
    const fold = (folded) =>
      folded ? page.foldedThreads.add(key) : page.foldedThreads.delete(key);
    const options = { folded: page.foldedThreads.has(key), onFold: fold, ctxFor: messageContext };
    pane.append(threadNode(message.ts, replies, options));
  }
  for (const note of ephemerals.filter((m) => m.channel === page.channel))
    pane.append(messageNode(note, "ephemeral", messageContext(note)));
  for (const post of viaUrl) pane.append(messageNode(post, "url", messageContext(post)));
  pane.scrollTop = pane.scrollHeight;
}

// -- the modal ----------------------------------------------------------------------------

function drawModal() {
  const view = page.state.view;
  const key = view ? `${view.id}:${view.hash}` : "";
  if (key === page.drawnView) return; // the same view: keep what the person typed
  page.drawnView = key;
  $("modal-backdrop").hidden = !view;
  if (!view) return;
  $("modal-title").textContent = plain(view.title);
  $("modal-trouble").textContent = "";
  const body = renderBlocks(
    view.blocks,
    context(() => ({ view_id: view.id, values: readState(body) })),
  );
  page.viewBody = body;
  $("modal-body").replaceChildren(body);
  $("modal-close").textContent = plain(view.close) || "Cancel";
  $("modal-submit").hidden = !view.submit;
  $("modal-submit").textContent = plain(view.submit);
}

async function submitModal() {
  const view = page.state.view;
  const body = page.viewBody;
  if (!view || !body) return;
  const missing = missingRequired(body);
  showErrors(body, missing);
  if (Object.keys(missing).length) return;
  $("modal-submit").disabled = true;
  try {
    const answer = await call("/playground/submit", { view_id: view.id, values: readState(body) });
    if (answer.errors) showErrors(body, answer.errors);
    $("modal-trouble").textContent = answer.trouble || answer.error || "";
  } finally {
    $("modal-submit").disabled = false;
  }
  await refresh();
}

async function closeModal() {
  const view = page.state.view;
  if (view) await call("/playground/close", { view_id: view.id });
  await refresh();
}

// -- composer and preview -------------------------------------------------------------------

async function send(event) {
  event.preventDefault();
  const text = $("composer-input").value.trim();
  if (!text) return;
  if (!text.startsWith("/")) {
    $("composer-note").textContent = "Only slash commands reach the bot here: try /run-workflow.";
    return;
  }
  $("composer-input").value = "";
  $("composer-note").textContent = "";
  const answer = await call("/playground/command", { channel: page.channel, text });
  if (answer.error) $("composer-note").textContent = answer.error;
  else if (answer.status !== 200)
    $("composer-note").textContent = `The app answered ${answer.status}; is it running?`;
  await refresh();
}

async function preview() {
  const answer = await call("/playground/preview", { schema: $("schema-input").value });
  $("preview-error").textContent = answer.error || "";
  const target = $("preview-view");
  target.innerHTML = "";
  if (!answer.view) return;
  const frame = document.createElement("div");
  frame.className = "modal preview-modal";
  const title = escapeHtml(plain(answer.view.title));
  frame.innerHTML = `<header class="modal-header"><h2>${title}</h2></header>`;
  const noAction = { directory: page.state, onAction: () => {}, suggest: async () => [] };
  frame.append(renderBlocks(answer.view.blocks, noAction));
  target.append(frame);
}

function showPane(name) {
  $("preview-pane").hidden = name !== "preview";
  $("home-pane").hidden = name !== "home";
  $("channel-pane").hidden = name !== "channel";
}

// -- the App Home --------------------------------------------------------------------------

function drawHome() {
  const home = page.state.home;
  const key = home ? `${home.id}:${home.hash}` : "";
  if (key === page.drawnHome) return; // unchanged: keep the DOM (and a checkbox being ticked)
  page.drawnHome = key;
  const pane = $("home-view");
  if (!home) {
    pane.textContent = "Opening the Home…";
    return;
  }
  pane.replaceChildren(renderBlocks(home.blocks, context(() => ({ home: true }))));
}

async function openHome() {
  showPane("home");
  await call("/playground/home", {});
  await refresh();
}

// -- wiring ------------------------------------------------------------------------------

async function refresh() {
  page.state = await call("/playground/state");
  drawSidebar();
  drawMessages();
  drawModal();
  drawHome();
}

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-channel]");
  if (!target) return;
  page.channel = target.dataset.channel;
  showPane("channel");
  drawSidebar();
  drawMessages();
});
$("acting-as").addEventListener("change", async (event) => {
  await call("/playground/user", { id: event.target.value });
  await refresh();
});
$("composer").addEventListener("submit", send);
$("modal-submit").addEventListener("click", submitModal);
$("modal-close").addEventListener("click", closeModal);
$("preview-button").addEventListener("click", preview);
$("open-preview").addEventListener("click", () => showPane("preview"));
$("open-home").addEventListener("click", openHome);

await refresh();
setInterval(() => refresh().catch(() => {}), POLL_MS);
