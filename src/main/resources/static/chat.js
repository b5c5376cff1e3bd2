// MangaAssist chat page: one WebSocket to the chat flow, answers streamed as they arrive.
// No build step and no dependencies: plain browser JavaScript.
(() => {
  'use strict';

  const CLIENT_VERSION = 'web-1.0';
  const CONFIG_URL = '/api/chat/config';
  const SESSION_KEY = 'mangaassist.sessionId';
  const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:=-]{0,127}$/; // what the server accepts
  const ANSWER_TIMEOUT_MS = 30000;
  const RETRY_MIN_MS = 500;
  const RETRY_MAX_MS = 10000;
  // a message refused as OVERLOADED is sent again after the server's retryAfterMs, stretched by up to half of it
  // at random (so that the clients refused together do not all come back at the same moment), at most this often
  const BUSY_RETRIES = 2;
  const BUSY_JITTER = 0.5;
  const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]/;

  const $ = (id) => document.getElementById(id);
  const conversation = $('conversation');
  const statusLine = $('connection-status');
  const form = $('composer');
  const input = $('message');
  const sendButton = $('send');
  const languageSelect = $('language');
  const modelSelect = $('model');

  let websocketUrl = null;
  let socket = null;
  let retryDelay = RETRY_MIN_MS;
  /** The answer being waited for: one question at a time, so every frame belongs to it. */
  let pending = null;

  // ---------------------------------------------------------------- session

  function randomHex(bytes) {
    const buf = new Uint8Array(bytes);
    crypto.getRandomValues(buf); // works on plain http too, unlike crypto.randomUUID
    return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function sessionId() {
    let id = null;
    try {
      id = sessionStorage.getItem(SESSION_KEY);
    } catch (e) { /* storage disabled: a session per page load */ }
    if (!id || !SESSION_ID.test(id)) {
      id = 'web-' + randomHex(16);
      try {
        sessionStorage.setItem(SESSION_KEY, id);
      } catch (e) { /* ignored */ }
    }
    return id;
  }

  function languageOf(text, hint) {
    if (hint === 'ja' || hint === 'en') return hint;
    return JAPANESE.test(text || '') ? 'ja' : 'en';
  }

  // ---------------------------------------------------------------- connection

  const STATUS_TEXT = {
    connecting: '接続しています…',
    open: '接続しました',
    reconnecting: '接続が切れました。再接続しています…',
    offline: 'サーバーに接続できません。再試行しています…',
  };

  function setStatus(state) {
    statusLine.dataset.state = state;
    statusLine.textContent = STATUS_TEXT[state];
    updateSendButton();
  }

  function isOpen() {
    return socket !== null && socket.readyState === WebSocket.OPEN;
  }

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async function loadWebsocketUrl() {
    for (let delay = RETRY_MIN_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      try {
        const response = await fetch(CONFIG_URL, { headers: { Accept: 'application/json' }, cache: 'no-store' });
        if (response.ok) {
          const config = await response.json();
          if (config && typeof config.websocketUrl === 'string') return config.websocketUrl;
        }
      } catch (e) { /* server not reachable yet */ }
      setStatus('offline');
      await sleep(delay);
    }
  }

  function connect() {
    setStatus(statusLine.dataset.state === 'reconnecting' ? 'reconnecting' : 'connecting');
    const ws = new WebSocket(websocketUrl);
    socket = ws;
    ws.addEventListener('open', () => {
      retryDelay = RETRY_MIN_MS;
      setStatus('open');
    });
    ws.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return; // not ours to show
      }
      onFrame(frame);
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = null;
      // a message waiting to be sent again goes out on the next connection (a server shutting down refuses with a
      // retry hint, then closes: the page reconnects, to another instance)
      if (!(pending && pending.retryTimer)) {
        failPending('CONNECTION_LOST', '接続が切れたため、回答を受け取れませんでした。もう一度お送りください。');
      }
      setStatus('reconnecting');
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
    });
    // 'error' is always followed by 'close', which reconnects
  }

  // ---------------------------------------------------------------- conversation

  function append(li) {
    conversation.appendChild(li);
    li.scrollIntoView({ block: 'end' });
    return li;
  }

  function addUserMessage(text) {
    const li = document.createElement('li');
    li.className = 'msg user';
    li.dataset.testid = 'user-message';
    li.lang = languageOf(text);
    const who = document.createElement('span');
    who.className = 'visually-hidden';
    who.textContent = 'あなた: ';
    const body = document.createElement('div');
    body.className = 'text';
    body.dataset.testid = 'user-text';
    body.textContent = text;
    li.append(who, body);
    append(li);
  }

  function startAnswer(requestedLanguage) {
    const li = document.createElement('li');
    li.className = 'msg assistant';
    li.dataset.testid = 'assistant-message';
    li.dataset.status = 'waiting';
    const who = document.createElement('span');
    who.className = 'visually-hidden';
    who.textContent = 'MangaAssist: ';
    const text = document.createElement('div');
    text.className = 'text';
    text.dataset.testid = 'answer-text';
    const typing = document.createElement('span');
    typing.className = 'typing';
    typing.setAttribute('aria-label', '回答を作成しています');
    typing.textContent = '…';
    text.appendChild(typing);
    li.append(who, text);
    conversation.setAttribute('aria-busy', 'true');
    const answer = { li, text, streamed: '', requestedLanguage, watchdog: 0, frame: null, retries: 0, retryTimer: 0 };
    answer.watchdog = setTimeout(
      () => failPending('TIMEOUT', '回答に時間がかかっています。もう一度お試しください。'), ANSWER_TIMEOUT_MS);
    append(li);
    return answer;
  }

  function finish() {
    if (pending) {
      clearTimeout(pending.watchdog);
      clearTimeout(pending.retryTimer);
    }
    pending = null;
    conversation.setAttribute('aria-busy', 'false');
    updateSendButton();
  }

  function metaItem(testid, label, value) {
    const span = document.createElement('span');
    span.className = 'meta-item';
    span.dataset.testid = testid;
    const name = document.createElement('span');
    name.className = 'meta-label';
    name.textContent = label + ': ';
    const val = document.createElement('span');
    val.className = 'meta-value';
    val.textContent = String(value);
    span.append(name, val);
    return span;
  }

  function showAnswer(answer, frame) {
    const data = frame.data || {};
    const metadata = frame.metadata || {};
    answer.text.textContent = data.message || '';
    answer.li.lang = languageOf(data.message, data.language);
    answer.li.dataset.status = 'final';
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.lang = 'en';
    meta.dataset.testid = 'answer-meta';
    meta.append(
      metaItem('meta-model', 'model', metadata.model || '?'),
      metaItem('meta-latency', 'latencyMs', metadata.latencyMs ?? '?'),
      metaItem('meta-cached', 'cached', metadata.cached === true));
    answer.li.appendChild(meta);
    answer.li.scrollIntoView({ block: 'end' });
  }

  function showError(answer, code, message) {
    const li = answer.li;
    li.className = 'msg error';
    li.dataset.testid = 'error-message';
    li.dataset.status = 'error';
    li.dataset.code = code || 'INTERNAL';
    li.lang = 'ja';
    li.replaceChildren();
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = message || '申し訳ございません。エラーが発生しました。';
    const codeLine = document.createElement('span');
    codeLine.className = 'code';
    codeLine.lang = 'en';
    codeLine.textContent = `(code: ${li.dataset.code})`;
    li.append(text, codeLine);
    li.scrollIntoView({ block: 'end' });
  }

  function failPending(code, message) {
    if (!pending) return;
    showError(pending, code, message);
    finish();
  }

  /** The server is busy: say so, and send the same message again after its hint, with jitter. */
  function busy(answer, retryAfterMs) {
    answer.retries += 1;
    const delay = Math.round(retryAfterMs * (1 + Math.random() * BUSY_JITTER));
    answer.li.dataset.status = 'busy';
    answer.li.dataset.retries = String(answer.retries);
    const note = document.createElement('span');
    note.className = 'busy';
    note.dataset.testid = 'busy-message';
    note.textContent = `ただいま混み合っています。${Math.max(1, Math.round(delay / 1000))}秒後に自動で再送します…`;
    answer.text.replaceChildren(note);
    answer.li.scrollIntoView({ block: 'end' });
    clearTimeout(answer.watchdog);
    answer.retryTimer = setTimeout(() => resend(answer), delay);
  }

  function resend(answer) {
    if (pending !== answer) return;
    if (!isOpen()) {
      // reconnecting: send as soon as the new connection is open
      answer.retryTimer = setTimeout(() => resend(answer), 250);
      return;
    }
    answer.retryTimer = 0;
    answer.li.dataset.status = 'waiting';
    const typing = document.createElement('span');
    typing.className = 'typing';
    typing.setAttribute('aria-label', '回答を作成しています');
    typing.textContent = '…';
    answer.text.replaceChildren(typing);
    answer.watchdog = setTimeout(
      () => failPending('TIMEOUT', '回答に時間がかかっています。もう一度お試しください。'), ANSWER_TIMEOUT_MS);
    socket.send(answer.frame);
  }

  function onFrame(frame) {
    // one question at a time: a frame with nothing pending is still shown, never dropped
    const answer = pending || (pending = startAnswer(languageSelect.value));
    if (frame.requestId) answer.li.dataset.requestId = frame.requestId;
    switch (frame.status) {
      case 'partial': {
        answer.streamed += (frame.data && frame.data.delta) || '';
        answer.text.textContent = answer.streamed;
        answer.li.lang = languageOf(answer.streamed, answer.requestedLanguage);
        answer.li.dataset.status = 'streaming';
        answer.li.scrollIntoView({ block: 'end' });
        break;
      }
      case 'success':
        showAnswer(answer, frame);
        finish();
        break;
      case 'error':
        if (frame.code === 'OVERLOADED' && answer.frame && answer.retries < BUSY_RETRIES
            && Number.isFinite(frame.retryAfterMs) && frame.retryAfterMs >= 0) {
          busy(answer, frame.retryAfterMs);
          break;
        }
        showError(answer, frame.code, frame.error);
        finish();
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------- composing

  function updateSendButton() {
    sendButton.disabled = !isOpen() || pending !== null || input.value.trim() === '';
  }

  function submit() {
    const text = input.value.trim();
    if (!text || !isOpen() || pending) return;
    const preferredLanguage = languageSelect.value;
    const frame = JSON.stringify({
      data: {
        sessionId: sessionId(),
        message: text,
        preferredLanguage,
        modelPreference: modelSelect.value,
      },
      metadata: { clientVersion: CLIENT_VERSION },
    });
    socket.send(frame);
    addUserMessage(text);
    input.value = '';
    pending = startAnswer(preferredLanguage);
    pending.frame = frame;
    updateSendButton();
    input.focus();
  }

  input.addEventListener('keydown', (event) => {
    // Enter sends, Shift+Enter is a new line; Enter that confirms an IME conversion (kana → kanji) sends nothing
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', updateSendButton);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });

  (async () => {
    setStatus('connecting');
    websocketUrl = await loadWebsocketUrl();
    connect();
  })();
})();
