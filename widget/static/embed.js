/*
 * Embed snippet of the ip telecom support chat. Paste on any page of the site:
 *
 *   <script src="https://ASSISTANT-HOST/widget/embed.js"
 *           data-server-url="https://ASSISTANT-HOST"
 *           data-title="Assistenza email" data-lang="it" defer></script>
 *
 * Optional: data-subtitle, data-input-hint, data-socket-path (default
 * "/socket.io/"). The widget (rasa-webchat 1.0.1) and its stylesheet are loaded
 * from the same folder as this file: no CDN, no web font, no other host.
 * The page's Content-Security-Policy must allow this folder in script-src and
 * style-src, and the server URL (http(s) and ws(s)) in connect-src.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__ipTelecomChatLoaded) {
    return;
  }
  window.__ipTelecomChatLoaded = true;

  var data = script.dataset || {};
  var base = script.src.replace(/[?#].*$/, "").replace(/[^/]*$/, "");
  var serverUrl = (data.serverUrl || "").replace(/\/+$/, "");
  if (!/^https?:\/\/[^\s/]+$/i.test(serverUrl)) {
    if (window.console) {
      window.console.error("chat: data-server-url must be the http(s) origin of the assistant");
    }
    return;
  }
  var lang = /^[a-z]{2}$/i.test(data.lang || "") ? data.lang.toLowerCase() : "it";

  function pageUrl() {
    // Only origin and path: the query string and fragment may carry personal data.
    return window.location.origin + window.location.pathname;
  }

  function addStylesheet(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  // ---- accessibility: keyboard and screen-reader names for the widget ----
  var LABELS = [
    [".rw-launcher", "Apri o chiudi la chat di assistenza"],
    [".rw-close-button", "Chiudi la chat"],
    [".rw-new-message", "Scrivi il tuo messaggio"],
    [".rw-send", "Invia il messaggio"],
  ];

  function enhance(root) {
    var i;
    var nodes;
    for (i = 0; i < LABELS.length; i += 1) {
      nodes = root.querySelectorAll(LABELS[i][0] + ":not([aria-label])");
      Array.prototype.forEach.call(nodes, function (node) {
        node.setAttribute("aria-label", LABELS[i][1]);
      });
    }
    nodes = root.querySelectorAll(".rw-reply:not([tabindex])");
    Array.prototype.forEach.call(nodes, function (node) {
      node.setAttribute("role", "button");
      node.setAttribute("tabindex", "0");
    });
    nodes = root.querySelectorAll(".rw-messages-container:not([role])");
    Array.prototype.forEach.call(nodes, function (node) {
      node.setAttribute("role", "log");
      node.setAttribute("aria-live", "polite");
      node.setAttribute("aria-label", "Conversazione con l'assistente");
    });
  }

  document.addEventListener(
    "keydown",
    function (event) {
      var target = event.target;
      if (!target || !target.classList || !target.classList.contains("rw-reply")) {
        return;
      }
      if (event.key === "Enter" || event.key === " " || event.key === "Spacebar") {
        event.preventDefault();
        target.click();
      }
    },
    true
  );

  function start() {
    if (!window.WebChat || typeof window.WebChat.default !== "function") {
      return;
    }
    window.WebChat.default(
      {
        socketUrl: serverUrl,
        socketPath: data.socketPath || "/socket.io/",
        title: data.title || "Assistenza email",
        subtitle: data.subtitle || "Assistente virtuale",
        // Plain text, not a "/command": the server lets no free slash command through.
        initPayload: "Ciao",
        inputTextFieldHint: data.inputHint || "Scrivi la tua domanda…",
        connectingText: "Connessione in corso…",
        customData: { language: lang, page_url: pageUrl() },
        params: { storage: "local" },
        hideWhenNotConnected: false,
        showFullScreenButton: false,
        docViewer: false,
        displayUnreadCount: true,
        customMessageDelay: function (message) {
          var delay = (message || "").length * 10;
          return Math.max(300, Math.min(delay, 1200));
        },
      },
      null
    );
    enhance(document);
    if (window.MutationObserver) {
      new MutationObserver(function () {
        enhance(document);
      }).observe(document.body, { childList: true, subtree: true });
    }
  }

  addStylesheet(base + "widget.css");
  var bundle = document.createElement("script");
  bundle.src = base + "rasa-webchat-1.0.1.js";
  bundle.async = true;
  bundle.onload = start;
  document.head.appendChild(bundle);
})();
