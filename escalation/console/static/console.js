// Live view of the conversation: polls the console (same origin) and renders
// every message with textContent, never as HTML (customer text is hostile).
(function () {
  "use strict";
  var list = document.getElementById("live");
  var status = document.getElementById("live-status");
  if (!list) { return; }
  var url = list.getAttribute("data-url");
  var every = Math.max(1, parseFloat(list.getAttribute("data-refresh")) || 3) * 1000;
  var labels = { user: "Cliente", bot: "Assistente", agent: "Operatore" };

  function item(message) {
    var li = document.createElement("li");
    li.className = labels[message.sender] ? message.sender : "bot";
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = (labels[message.sender] || "Assistente") + (message.agent ? " " + message.agent : "");
    var when = document.createElement("time");
    when.textContent = message.local_time || "";
    var text = document.createElement("div");
    text.className = "text";
    text.textContent = message.text;
    li.appendChild(who);
    li.appendChild(when);
    li.appendChild(text);
    return li;
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        (data.messages || []).forEach(function (m) { list.appendChild(item(m)); });
        var state = data.paused === true ? "assistente in pausa" :
          data.paused === false ? "assistente attivo" : "stato dell'assistente sconosciuto";
        status.textContent = (data.error ? data.error + " · " : "") + state +
          " · aggiornato alle " + new Date().toLocaleTimeString("it-IT");
      })
      .catch(function (error) {
        status.textContent = "Aggiornamento non riuscito (" + error.message + "), nuovo tentativo a breve.";
      })
      .finally(function () { window.setTimeout(refresh, every); });
  }
  refresh();
})();
