// Block Kit layout blocks (section, context, header, divider, actions, input, image) as DOM.
// ctx: {directory, onAction(action, blockId), suggest(blockId, actionId, query) → Promise}

import { buildElement, isEmpty } from "./elements.js";
import { escapeHtml, plain, textHtml } from "./text.js";

let serial = 0;

function div(className, html = "") {
  const el = document.createElement("div");
  el.className = className;
  el.innerHTML = html;
  return el;
}

// A button or a select outside an input block: any change is sent to the app at once.
function control(element, blockId, ctx) {
  if (element.type === "button") {
    const link = Boolean(element.url);
    const button = document.createElement(link ? "a" : "button");
    button.className = `button ${element.style || ""}`;
    button.innerHTML = textHtml(element.text, ctx.directory);
    if (link) Object.assign(button, { href: element.url, target: "_blank", rel: "noopener" });
    button.addEventListener("click", () =>
      ctx.onAction(
        {
          type: "button",
          action_id: element.action_id,
          block_id: blockId,
          value: element.value,
          text: element.text,
        },
        blockId,
      ),
    );
    return button;
  }
  if (element.type === "image") {
    return div(
      "image-accessory",
      `<span title="${escapeHtml(element.alt_text || "")}">\ud83d\uddbc\ufe0f</span>`,
    );
  }
  return buildElement(element, {
    inputId: `ctl-${++serial}`,
    directory: ctx.directory,
    changed: (state) =>
      ctx.onAction({ ...state, action_id: element.action_id, block_id: blockId }, blockId),
    suggest: (query) => ctx.suggest(blockId, element.action_id, query),
  });
}

function section(block, ctx) {
  const el = div("block section");
  const body = div("section-body");
  if (block.text) body.append(div("section-text", textHtml(block.text, ctx.directory)));
  if (block.fields) {
    const grid = div("section-fields");
    for (const field of block.fields)
      grid.append(div("section-field", textHtml(field, ctx.directory)));
    body.append(grid);
  }
  el.append(body);
  if (block.accessory) el.append(control(block.accessory, block.block_id, ctx));
  return el;
}

function context(block, ctx) {
  const el = div("block context");
  for (const element of block.elements || []) {
    if (element.type === "image") el.append(div("context-image", "\ud83d\uddbc\ufe0f"));
    else el.append(div("context-text", textHtml(element, ctx.directory)));
  }
  return el;
}

function actions(block, ctx) {
  const el = div("block actions");
  for (const element of block.elements || []) el.append(control(element, block.block_id, ctx));
  return el;
}

function input(block, ctx) {
  const el = div("block input");
  el.dataset.blockId = block.block_id;
  const inputId = `input-${++serial}`;
  const optional = block.optional ? ' <span class="optional">(optional)</span>' : "";
  const label = document.createElement("label");
  label.className = "input-label";
  label.htmlFor = inputId;
  label.innerHTML = textHtml(block.label, ctx.directory) + optional;
  const element = block.element || {};
  const built = buildElement(element, {
    inputId,
    directory: ctx.directory,
    changed: (state) => {
      if (block.dispatch_action)
        ctx.onAction(
          { ...state, action_id: element.action_id, block_id: block.block_id },
          block.block_id,
        );
    },
    suggest: (query) => ctx.suggest(block.block_id, element.action_id, query),
  });
  // A group of radios or checkboxes is named by the label too, for assistive technology.
  built.setAttribute("aria-labelledby", `${inputId}-label`);
  label.id = `${inputId}-label`;
  el.append(label, built);
  if (block.hint) el.append(div("input-hint", textHtml(block.hint, ctx.directory)));
  el.append(div("field-error"));
  el.readState = () => ({ [element.action_id]: built.read() });
  el.required = !block.optional;
  return el;
}

const RENDERERS = {
  section,
  context,
  actions,
  input,
  header: (block, ctx) => div("block header", textHtml(block.text, ctx.directory)),
  divider: () => div("block divider", "<hr>"),
  image: (block) =>
    div("block image", `[image: ${escapeHtml(block.alt_text || plain(block.title))}]`),
};

export function renderBlocks(blocks, ctx) {
  const container = div("blocks");
  for (const block of blocks || []) {
    const render = RENDERERS[block.type];
    container.append(
      render
        ? render(block, ctx)
        : div("block unsupported", `Unsupported block: ${escapeHtml(block.type)}`),
    );
  }
  return container;
}

// The view's state as Slack sends it: {block_id: {action_id: {type, …value}}}.
export function readState(container) {
  const values = {};
  for (const block of container.querySelectorAll(".block.input")) {
    values[block.dataset.blockId] = block.readState();
  }
  return values;
}

// Messages under inputs, keyed by block id; returns how many were shown.
export function showErrors(container, errors) {
  let shown = 0;
  for (const block of container.querySelectorAll(".block.input")) {
    const message = errors[block.dataset.blockId];
    block.querySelector(".field-error").textContent = message || "";
    block.classList.toggle("has-error", Boolean(message));
    if (message) shown += 1;
  }
  return shown;
}

// Slack's own check before sending: required inputs must not be empty.
export function missingRequired(container) {
  const errors = {};
  for (const block of container.querySelectorAll(".block.input")) {
    const state = Object.values(block.readState())[0];
    if (block.required && isEmpty(state))
      errors[block.dataset.blockId] = "Please complete this required field.";
  }
  return errors;
}
