"use strict";
const state = { session: "", name: "", open: 0, nextToken: "", seen: new Set() };
const $ = (id) => document.getElementById(id);

function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  state.name = params.get("name") || localStorage.getItem("bulletin.name") || "";
  state.session = params.get("session") || "";
  state.open = Number(params.get("open") || 0);
  $("name").value = state.name;
}

function showError(message) {
  const box = $("error");
  if (message) { box.textContent = message; box.classList.add("shown"); } else { box.textContent = ""; box.classList.remove("shown"); }
}

async function call(method, body) {
  let response;
  try {
    response = await fetch("/bulletin.v1.Bulletin/" + method, {
      method: "POST", headers: { "content-type": "application/json", "connect-protocol-version": "1" }, body: JSON.stringify(body),
    });
  } catch (e) {
    showError("This replica is not reachable (" + location.host + "). Pick another replica above.");
    throw e;
  }
  const text = await response.text();
  let data = {};
  try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { message: text }; }
  if (!response.ok) {
    showError((data.code || response.status) + ": " + (data.message || "request failed"));
    throw new Error(data.message || "request failed");
  }
  showError("");
  if (data.session) { state.session = data.session; }
  return data;
}

function replies(count) { return count === 1 ? "1 reply" : (count || 0) + " replies"; }

function when(ms) { return ms ? new Date(Number(ms)).toLocaleString() : ""; }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) { if (key === "class") node.className = value; else node.setAttribute(key, value); }
  for (const child of children) node.append(child);
  return node;
}

async function loadArticles(append) {
  const data = await call("List", { pageSize: 20, pageToken: append ? state.nextToken : "", session: state.session });
  const list = $("articles");
  if (!append) list.replaceChildren();
  for (const article of data.articles || []) {
    const item = el("li", { "data-id": article.id, class: Number(article.id) === state.open ? "open" : "" },
      el("strong", {}, article.title), el("div", { class: "meta" },
        "by " + article.author + " · " + when(article.createdAtMs) + " · " + replies(article.replyCount)));
    item.addEventListener("click", () => openThread(Number(article.id)));
    list.append(item);
  }
  if (!append && !(data.articles || []).length) {
    list.append(el("li", { class: "empty", id: "empty" }, "No articles yet: be the first to post."));
  }
  state.nextToken = data.nextPageToken || "";
  $("more").hidden = !state.nextToken;
}

function renderReplies(replies) {
  const box = el("div", {});
  for (const reply of replies || []) {
    const node = el("div", { class: "reply", "data-id": reply.id },
      el("div", { class: "meta" }, reply.author + " · " + when(reply.createdAtMs)), el("div", { class: "body" }, reply.body),
      el("button", { class: "plain", "data-reply-to": reply.id, style: "font-size: 12px; padding: 2px 8px" }, "Reply"));
    node.append(renderReplies(reply.replies));
    box.append(node);
  }
  return box;
}

async function openThread(id) {
  state.open = id;
  const data = await call("Get", { id: String(id), session: state.session });
  const a = data.article;
  const section = $("thread");
  section.replaceChildren(
    el("h2", {}, a.title), el("div", { class: "meta" }, "by " + a.author + " · " + when(a.createdAtMs) + " · #" + a.id),
    el("p", { class: "body" }, a.body),
    el("h2", {}, a.replyCount ? replies(a.replyCount) : "No replies yet"), renderReplies(data.replies),
    el("form", { id: "reply-form" }, el("input", { type: "hidden", id: "reply-parent", value: a.id }),
      el("div", { class: "meta", id: "reply-target" }, "Replying to the article"),
      el("textarea", { id: "reply-body", placeholder: "Your reply", required: "" }), el("button", { type: "submit", id: "reply-submit" }, "Reply")));
  section.querySelectorAll("button[data-reply-to]").forEach((button) => button.addEventListener("click", () => {
    $("reply-parent").value = button.dataset.replyTo;
    $("reply-target").textContent = "Replying to reply #" + button.dataset.replyTo;
    $("reply-body").focus();
  }));
  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!requireName()) return;
    await call("Reply", { parentId: $("reply-parent").value, author: state.name, body: $("reply-body").value,
      requestId: crypto.randomUUID ? crypto.randomUUID() : String(Math.random()), session: state.session });
    await openThread(id);
    await loadArticles(false);
  });
  document.querySelectorAll("#articles li").forEach((li) => li.classList.toggle("open", Number(li.dataset.id) === id));
}

function requireName() {
  state.name = $("name").value.trim();
  if (!state.name) { showError("Enter your name first."); $("name").focus(); return false; }
  localStorage.setItem("bulletin.name", state.name);
  return true;
}

$("post-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!requireName()) return;
  const data = await call("Post", { author: state.name, title: $("post-title").value, body: $("post-body").value,
    requestId: crypto.randomUUID ? crypto.randomUUID() : String(Math.random()), session: state.session });
  $("post-title").value = ""; $("post-body").value = "";
  await loadArticles(false);
  await openThread(Number(data.article.id));
});
$("more").addEventListener("click", () => loadArticles(true));
$("name").addEventListener("change", () => requireName());
// Which replicas answer: a health check per entry of the picker (no-cors: the answer itself is
// opaque, but a replica that is down fails the request), refreshed every 5 s and before a switch.
async function reachable(address) {
  try {
    await fetch("http://" + address + "/node.v1.Health/Check?connect=v1&encoding=json&message=%7B%7D",
      { mode: "no-cors", cache: "no-store", signal: AbortSignal.timeout(2000) });
    return true;
  } catch (e) { return false; }
}
async function checkReplicas() {
  for (const option of $("replicas").options) {
    const up = option.value === location.host || await reachable(option.value);
    option.dataset.up = up ? "1" : "0";
    option.textContent = option.textContent.replace(/ \((up|down)\)$/, "") + (up ? " (up)" : " (down)");
  }
}
$("switch").addEventListener("click", async () => {
  const target = $("replicas").value;
  if (target !== location.host && !(await reachable(target))) {
    showError("Replica " + target + " is not reachable; staying on " + location.host + ".");
    checkReplicas();
    return;
  }
  const params = new URLSearchParams({ name: $("name").value.trim(), session: state.session, open: String(state.open || "") });
  location.href = "http://" + target + "/#" + params.toString();
});

// Live updates: Connect server streaming (enveloped JSON) read from the response body.
async function watch() {
  const encoder = new TextEncoder();
  const payload = encoder.encode(JSON.stringify({ afterId: "0" }));
  const frame = new Uint8Array(5 + payload.length);
  new DataView(frame.buffer).setUint32(1, payload.length);
  frame.set(payload, 5);
  let first = true;
  try {
    const response = await fetch("/bulletin.v1.Bulletin/Watch", { method: "POST",
      headers: { "content-type": "application/connect+json", "connect-protocol-version": "1" }, body: frame });
    const reader = response.body.getReader();
    let buffer = new Uint8Array(0);
    $("live").textContent = "live updates: on";
    let pending = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const joined = new Uint8Array(buffer.length + value.length);
      joined.set(buffer); joined.set(value, buffer.length); buffer = joined;
      while (buffer.length >= 5) {
        const flags = buffer[0];
        const length = new DataView(buffer.buffer, buffer.byteOffset).getUint32(1);
        if (buffer.length < 5 + length) break;
        const message = JSON.parse(new TextDecoder().decode(buffer.slice(5, 5 + length)));
        buffer = buffer.slice(5 + length);
        if (flags & 2) continue;
        const id = (message.article || message.reply || {}).id;
        if (state.seen.has(id)) continue;
        state.seen.add(id);
        if (first) continue;
        clearTimeout(pending);
        pending = setTimeout(() => { loadArticles(false); if (state.open) openThread(state.open); }, 150);
      }
      first = false;
    }
  } catch (e) { /* fall through to reconnect */ }
  $("live").textContent = "live updates: reconnecting…";
  setTimeout(watch, 2000);
}

readFragment();
checkReplicas();
setInterval(checkReplicas, 5000);
loadArticles(false).then(() => { if (state.open) openThread(state.open); }).catch(() => {});
watch();
