// Writing help: ask for a suggestion, show it as it is written, and only on "Use this text"
// put it where a person can check, change and send it.
(function () {
  "use strict";

  var SLOW_AFTER_MS = 15000;

  function csrfToken(element) {
    var form = element.closest("form");
    var input = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
    return input ? input.value : "";
  }

  function show(element, visible) {
    if (element) element.hidden = !visible;
  }

  function readLines(response, onLine) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) {
          if (buffer.trim()) onLine(buffer);
          return;
        }
        buffer += decoder.decode(chunk.value, { stream: true });
        var lines = buffer.split("\n");
        buffer = lines.pop();
        lines.forEach(function (line) {
          if (line.trim()) onLine(line);
        });
        return pump();
      });
    }
    return pump();
  }

  function putText(textarea, text, usedId) {
    textarea.value = text;
    // The composer's counters and the reply counter listen for input: the text is checked
    // exactly as if it had been typed.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.dispatchEvent(new Event("change", { bubbles: true }));
    var used = usedId ? document.getElementById(usedId) : null;
    if (used) used.value = "1";
    textarea.focus();
  }

  // One suggestion, streamed into `parts.preview` as the model writes it. Returns a function
  // that cancels it. `parts`: panel, preview, error, busy, cancel, use (elements), slow, down
  // (texts). The panel's data-slow-after (milliseconds) may shorten the wait before `slow`.
  function streamSuggestion(url, body, parts) {
    var controller = new AbortController();
    var slowTimer = null;
    // A request asked after this one owns the panel; this one's ending must not touch it.
    parts.current = controller;
    body.append("stream", "1");
    parts.preview.textContent = "";
    show(parts.preview, true);
    show(parts.error, false);
    show(parts.busy, true);
    show(parts.cancel, true);
    parts.use.disabled = true;

    function fail(message) {
      if (parts.current !== controller) return;
      parts.error.textContent = message;
      show(parts.error, true);
    }

    function finish() {
      clearTimeout(slowTimer);
      if (parts.current !== controller) return;
      show(parts.busy, false);
      show(parts.cancel, false);
      parts.use.disabled = !parts.preview.textContent.trim();
    }

    // Tell the person when the model keeps them waiting; they may wait or cancel.
    slowTimer = setTimeout(function () {
      if (!parts.preview.textContent.trim() && parts.slow) fail(parts.slow);
    }, Number(parts.panel.dataset.slowAfter) || SLOW_AFTER_MS);
    fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken(parts.use) },
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        if (!response.ok) {
          return response.json().then(function (data) {
            fail(data.error || response.statusText);
          });
        }
        return readLines(response, function (line) {
          var data = JSON.parse(line);
          if (data.text) {
            if (!parts.preview.textContent) show(parts.error, false);
            parts.preview.textContent += data.text;
          }
          if (data.error) fail(data.error);
        });
      })
      .catch(function (problem) {
        if (problem.name !== "AbortError") fail(parts.down || problem.message);
      })
      .then(finish);
    return function cancel() {
      controller.abort();
      finish();
    };
  }

  function initPanel(panel) {
    var parts = {
      preview: panel.querySelector("#assistant-preview"),
      error: panel.querySelector("#assistant-error"),
      busy: panel.querySelector("#assistant-busy"),
      cancel: panel.querySelector("#assistant-cancel"),
      use: panel.querySelector("#assistant-use"),
      slow: panel.dataset.slow,
      panel: panel,
      down: panel.dataset.down,
    };
    var words = panel.querySelector("#assistant-words");
    var language = panel.querySelector("#assistant-language");
    var into = panel.querySelector("#assistant-into");
    var main = document.getElementById(panel.dataset.target);
    var stop = null;
    var lastKind = "";

    // The main text, or a channel's own version of it (a translation for a French channel).
    function target() {
      return (into && document.getElementById(into.value)) || main;
    }

    // A version for a network goes, by default, to the own text of a channel on it.
    function chooseChannelOf(network) {
      var option = into.querySelector('option[data-network="' + network + '"]');
      if (option) into.value = option.value;
    }

    // What the next request works on: the suggestion shown, unless it is only hashtags.
    function source() {
      var shown = lastKind === "hashtags" ? "" : parts.preview.textContent.trim();
      return shown || target().value || main.value;
    }

    function ask(kind) {
      var text = kind === "draft" ? words.value : source();
      if (!text.trim()) {
        (kind === "draft" ? words : main).focus();
        return;
      }
      if (stop) stop();
      var body = new FormData();
      body.append("kind", kind);
      body.append("text", text);
      body.append("language", language.value);
      var network = panel.querySelector("#assistant-network");
      if (network && (kind === "variant" || kind === "hashtags")) body.append("network", network.value);
      if (network && into && kind === "variant") chooseChannelOf(network.value);
      // The post's content pillar, so the draft fits what the plan says about it.
      var pillar = document.getElementById("id_pillar");
      if (pillar && pillar.value) body.append("pillar", pillar.value);
      lastKind = kind;
      stop = streamSuggestion(panel.dataset.url, body, parts);
      // After a translation, the next rework (shorter, a network's version) keeps its language.
      if (kind === "translate_fr") language.value = "fr-BE";
      if (kind === "translate_nl" && language.value.indexOf("nl") !== 0) language.value = language.dataset.dutch;
    }

    panel.querySelectorAll("button[data-kind]").forEach(function (button) {
      button.addEventListener("click", function () {
        ask(button.dataset.kind);
      });
    });
    parts.cancel.addEventListener("click", function () {
      if (stop) stop();
      stop = null;
    });
    parts.use.addEventListener("click", function () {
      var text = parts.preview.textContent.trim();
      if (!text) return;
      var chosen = target();
      var details = chosen.closest("details");
      if (details) details.open = true;
      // Hashtags go below the text; any other suggestion replaces it.
      var kept = lastKind === "hashtags" ? chosen.value.replace(/\s+$/, "") : "";
      putText(chosen, kept ? kept + "\n\n" + text : text, panel.dataset.used);
    });
  }

  function initAnswer(panel) {
    var parts = {
      preview: panel.querySelector("#assistant-answer-preview"),
      error: panel.querySelector("#assistant-answer-error"),
      busy: panel.querySelector("#assistant-answer-busy"),
      cancel: panel.querySelector("#assistant-answer-cancel"),
      use: panel.querySelector("#assistant-answer-use"),
      slow: panel.dataset.slow,
      panel: panel,
      down: panel.dataset.down,
    };
    var ask = panel.querySelector("#assistant-answer");
    var stop = null;
    ask.addEventListener("click", function () {
      if (stop) stop();
      stop = streamSuggestion(panel.dataset.url, new FormData(), parts);
    });
    parts.cancel.addEventListener("click", function () {
      if (stop) stop();
      stop = null;
    });
    parts.use.addEventListener("click", function () {
      var text = parts.preview.textContent.trim();
      if (text) putText(document.getElementById(panel.dataset.target), text, panel.dataset.used);
    });
  }

  // Why no alt text came, right under the button that asked for it.
  function altProblem(button, message) {
    var note = button.nextElementSibling;
    if (!note || !note.classList.contains("assistant-alt-error")) {
      note = document.createElement("p");
      note.className = "error assistant-alt-error";
      note.setAttribute("role", "alert");
      button.insertAdjacentElement("afterend", note);
    }
    note.textContent = message;
    note.hidden = !message;
  }

  // Alt text: the image rows come and go with uploads, so one listener serves them all.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".assistant-alt") : null;
    if (!button) return;
    var target = document.getElementById(button.dataset.target);
    var text = document.getElementById("id_text");
    var language = document.getElementById("assistant-language");
    var body = new FormData();
    body.append("kind", "alt_text");
    body.append("image", button.dataset.image);
    body.append("text", (text && text.value.trim()) || "-");
    if (language) body.append("language", language.value);
    button.disabled = true;
    fetch(button.dataset.url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken(button) },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.ok && data.text) {
            altProblem(button, "");
            putText(target, data.text, "assistant-used");
          } else {
            altProblem(button, data.error || response.statusText);
          }
        });
      })
      .catch(function (problem) {
        var panel = document.getElementById("assistant-panel");
        altProblem(button, (panel && panel.dataset.down) || problem.message);
      })
      .then(function () {
        button.disabled = false;
      });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("assistant-panel");
    if (panel) initPanel(panel);
    var answer = document.getElementById("assistant-answer-panel");
    if (answer) initAnswer(answer);
  });
})();
