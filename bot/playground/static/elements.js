// Interactive Block Kit elements. Each build returns a node whose `read()` gives the
// element's state exactly as Slack puts it in `view.state.values` (empty → null or []).

import { escapeHtml, plain, textHtml } from "./text.js";

let serial = 0;
const nextId = () => `el-${++serial}`;

function node(tag, attrs = {}, html = "") {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) el.setAttribute(key, value);
  }
  el.innerHTML = html;
  return el;
}

function optionMap(element) {
  const options = [...(element.options || [])];
  for (const group of element.option_groups || []) options.push(...(group.options || []));
  return new Map(options.map((option) => [option.value, option]));
}

function nativeSelect(element, ctx, multiple) {
  const select = node("select", { id: ctx.inputId, multiple: multiple || undefined });
  if (!multiple)
    select.append(
      node("option", { value: "" }, escapeHtml(plain(element.placeholder) || "Select an item")),
    );
  const addOptions = (parent, options) => {
    for (const option of options) {
      parent.append(node("option", { value: option.value }, escapeHtml(plain(option.text))));
    }
  };
  addOptions(select, element.options || []);
  for (const group of element.option_groups || []) {
    const optgroup = node("optgroup", { label: plain(group.label) });
    addOptions(optgroup, group.options || []);
    select.append(optgroup);
  }
  return select;
}

function staticSelect(element, ctx) {
  const multiple = element.type === "multi_static_select";
  const select = nativeSelect(element, ctx, multiple);
  const options = optionMap(element);
  const initial = multiple
    ? element.initial_options || []
    : [element.initial_option].filter(Boolean);
  for (const option of select.options)
    option.selected = initial.some((i) => i.value === option.value);
  select.read = () => {
    const chosen = [...select.selectedOptions]
      .filter((o) => o.value)
      .map((o) => options.get(o.value));
    return multiple
      ? { type: element.type, selected_options: chosen }
      : { type: element.type, selected_option: chosen[0] || null };
  };
  select.addEventListener("change", () => ctx.changed(select.read()));
  return select;
}

// Users and conversations come from the workspace, not from the app.
function directorySelect(element, ctx) {
  const kind = element.type.replace("multi_", "").replace("_select", "");
  const multiple = element.type.startsWith("multi_");
  const items = kind === "users" ? ctx.directory.members : ctx.directory.channels;
  const prefix = kind === "users" ? "@" : "#";
  const key = { users: "user", conversations: "conversation", channels: "channel" }[kind];
  const select = nativeSelect({ placeholder: element.placeholder, options: [] }, ctx, multiple);
  for (const item of items)
    select.append(node("option", { value: item.id }, escapeHtml(prefix + item.name)));
  const initial = multiple ? element[`initial_${key}s`] || [] : [element[`initial_${key}`]];
  for (const option of select.options) option.selected = initial.includes(option.value);
  select.read = () => {
    const chosen = [...select.selectedOptions].map((o) => o.value).filter(Boolean);
    return multiple
      ? { type: element.type, [`selected_${key}s`]: chosen }
      : { type: element.type, [`selected_${key}`]: chosen[0] || null };
  };
  select.addEventListener("change", () => ctx.changed(select.read()));
  return select;
}

// A typeahead: what is typed goes to the app as block_suggestion, its options are listed.
function externalSelect(element, ctx) {
  const multiple = element.type === "multi_external_select";
  const wrap = node("div", { class: "typeahead" });
  const input = node("input", {
    id: ctx.inputId,
    type: "text",
    autocomplete: "off",
    placeholder: plain(element.placeholder) || "Type to search",
  });
  const list = node("div", { class: "typeahead-options", role: "listbox" });
  const chips = node("div", { class: "chips" });
  let chosen = multiple
    ? [...(element.initial_options || [])]
    : [element.initial_option].filter(Boolean);
  const minLength = element.min_query_length ?? 3;
  const showChosen = () => {
    chips.innerHTML = "";
    for (const option of chosen)
      chips.append(node("span", { class: "chip" }, escapeHtml(plain(option.text))));
    if (!multiple) input.value = chosen[0] ? plain(chosen[0].text) : input.value;
  };
  const choose = (option) => {
    chosen = multiple ? [...chosen.filter((o) => o.value !== option.value), option] : [option];
    list.innerHTML = "";
    input.value = multiple ? "" : plain(option.text);
    showChosen();
    ctx.changed(wrap.read());
  };
  let asked = 0;
  input.addEventListener("input", async () => {
    if (!multiple) chosen = [];
    const query = input.value;
    if (query.length < minLength) return void (list.innerHTML = "");
    const ticket = ++asked;
    const options = await ctx.suggest(query);
    if (ticket !== asked) return; // a later keystroke already asked again
    list.innerHTML = options.length ? "" : '<div class="typeahead-none">No matches</div>';
    for (const option of options.flatMap((o) => o.options || [o])) {
      const button = node(
        "button",
        { type: "button", role: "option", class: "typeahead-option" },
        escapeHtml(plain(option.text)),
      );
      button.addEventListener("click", () => choose(option));
      list.append(button);
    }
  });
  wrap.append(chips, input, list);
  showChosen();
  wrap.read = () =>
    multiple
      ? { type: element.type, selected_options: chosen }
      : { type: element.type, selected_option: chosen[0] || null };
  return wrap;
}

function choiceList(element, ctx) {
  const radio = element.type === "radio_buttons";
  const group = node("div", {
    class: "choices",
    role: radio ? "radiogroup" : "group",
    id: ctx.inputId,
  });
  const name = nextId();
  const initial = radio ? [element.initial_option].filter(Boolean) : element.initial_options || [];
  const inputs = (element.options || []).map((option) => {
    const id = nextId();
    const box = node("input", {
      type: radio ? "radio" : "checkbox",
      name,
      id,
      value: option.value,
    });
    box.checked = initial.some((i) => i.value === option.value);
    box.addEventListener("change", () => ctx.changed(group.read()));
    const label = node("label", { for: id }, textHtml(option.text, ctx.directory));
    const row = node("div", { class: "choice" });
    row.append(box, label);
    if (option.description)
      row.append(
        node("div", { class: "choice-hint" }, textHtml(option.description, ctx.directory)),
      );
    group.append(row);
    return [box, option];
  });
  group.read = () => {
    const picked = inputs.filter(([box]) => box.checked).map(([, option]) => option);
    return radio
      ? { type: element.type, selected_option: picked[0] || null }
      : { type: element.type, selected_options: picked };
  };
  return group;
}

function textInput(element, ctx) {
  const types = { email_text_input: "email", url_text_input: "url", number_input: "text" };
  const attrs = { id: ctx.inputId, placeholder: plain(element.placeholder) || undefined };
  const field = element.multiline
    ? node("textarea", { ...attrs, rows: 4 })
    : node("input", { ...attrs, type: types[element.type] || "text" });
  if (element.type === "number_input")
    field.setAttribute("inputmode", element.is_decimal_allowed ? "decimal" : "numeric");
  field.value = element.initial_value ?? "";
  field.read = () => ({ type: element.type, value: field.value === "" ? null : field.value });
  // Like Slack: with dispatch_action_config on_enter_pressed, Enter sends block_actions.
  const triggers = element.dispatch_action_config?.trigger_actions_on || [];
  if (!element.multiline && triggers.includes("on_enter_pressed"))
    field.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      ctx.changed(field.read());
    });
  return field;
}

const pad = (n) => String(n).padStart(2, "0");

function picker(element, ctx) {
  const kinds = { datepicker: "date", timepicker: "time", datetimepicker: "datetime-local" };
  const field = node("input", { id: ctx.inputId, type: kinds[element.type] });
  if (element.initial_date) field.value = element.initial_date;
  if (element.initial_time) field.value = element.initial_time;
  if (element.initial_date_time) {
    const at = new Date(element.initial_date_time * 1000);
    const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
    field.value = `${day}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
  }
  field.read = () => {
    const value = field.value || null;
    if (element.type === "datepicker") return { type: element.type, selected_date: value };
    if (element.type === "timepicker") return { type: element.type, selected_time: value };
    // Slack sends epoch seconds for the moment chosen in the person's own time zone.
    const seconds = value ? Math.floor(new Date(value).getTime() / 1000) : null;
    return { type: element.type, selected_date_time: seconds };
  };
  field.addEventListener("change", () => ctx.changed(field.read()));
  return field;
}

const BUILDERS = {
  plain_text_input: textInput,
  number_input: textInput,
  email_text_input: textInput,
  url_text_input: textInput,
  datepicker: picker,
  timepicker: picker,
  datetimepicker: picker,
  static_select: staticSelect,
  multi_static_select: staticSelect,
  external_select: externalSelect,
  multi_external_select: externalSelect,
  checkboxes: choiceList,
  radio_buttons: choiceList,
  users_select: directorySelect,
  multi_users_select: directorySelect,
  conversations_select: directorySelect,
  multi_conversations_select: directorySelect,
  channels_select: directorySelect,
  multi_channels_select: directorySelect,
};

// ctx: {inputId, directory, changed(state), suggest(query) → Promise<options>}
export function buildElement(element, ctx) {
  const build = BUILDERS[element.type];
  if (!build)
    return node(
      "div",
      { class: "unsupported" },
      `Unsupported element: ${escapeHtml(element.type)}`,
    );
  const built = build(element, ctx);
  built.classList.add("element");
  built.dataset.actionId = element.action_id || "";
  return built;
}

// Whether nothing was entered, which Slack refuses for a required input before sending.
export function isEmpty(state) {
  const value = Object.entries(state).find(([key]) => key !== "type")?.[1];
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}
