/* Demo page: "forget the conversation" button (removes what the widget keeps in this browser). */
(function () {
  "use strict";
  var button = document.getElementById("forget-chat");
  var status = document.getElementById("forget-status");
  if (!button) {
    return;
  }
  button.addEventListener("click", function () {
    try {
      window.localStorage.removeItem("chat_session");
      window.sessionStorage.removeItem("chat_session");
    } catch (error) {
      /* storage disabled: nothing kept */
    }
    if (status) {
      status.textContent = "Conversazione cancellata da questo browser. La pagina si ricarica…";
    }
    window.setTimeout(function () {
      window.location.reload();
    }, 800);
  });
})();
