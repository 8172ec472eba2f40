// Writing help: ask for a suggestion, show it as it is written, and only on "Use this text"
// put it where a person can check, change and send it.
(function () {
  "use strict";

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

  function initPanel(panel) {
    var preview = panel.querySelector("#assistant-preview");
    var error = panel.querySelector("#assistant-error");
    var busy = panel.querySelector("#assistant-busy");
    var cancel = panel.querySelector("#assistant-cancel");
    var use = panel.querySelector("#assistant-use");
    var words = panel.querySelector("#assistant-words");
    var language = panel.querySelector("#assistant-language");
    var target = document.getElementById(panel.dataset.target);
    var controller = null;

    function finish() {
      controller = null;
      show(busy, false);
      show(cancel, false);
      use.disabled = !preview.textContent.trim();
    }

    function fail(message) {
      error.textContent = message;
      show(error, true);
    }

    function ask(kind) {
      var text = kind === "draft" ? words.value : preview.textContent.trim() || target.value;
      if (!text.trim()) {
        (kind === "draft" ? words : target).focus();
        return;
      }
      if (controller) controller.abort();
      controller = new AbortController();
      var body = new FormData();
      body.append("kind", kind);
      body.append("text", text);
      body.append("language", language.value);
      body.append("stream", "1");
      var network = panel.querySelector("#assistant-network");
      if (network && (kind === "variant" || kind === "hashtags")) body.append("network", network.value);
      preview.textContent = "";
      show(error, false);
      show(busy, true);
      show(cancel, true);
      use.disabled = true;
      fetch(panel.dataset.url, {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": csrfToken(panel) },
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
            if (data.text) preview.textContent += data.text;
            if (data.error) fail(data.error);
          });
        })
        .catch(function (problem) {
          if (problem.name !== "AbortError") fail(problem.message);
        })
        .then(finish);
    }

    panel.querySelectorAll("button[data-kind]").forEach(function (button) {
      button.addEventListener("click", function () {
        ask(button.dataset.kind);
      });
    });
    cancel.addEventListener("click", function () {
      if (controller) controller.abort();
      finish();
    });
    use.addEventListener("click", function () {
      var text = preview.textContent.trim();
      if (text) putText(target, text, panel.dataset.used);
    });
  }

  function initAnswer(button) {
    var error = document.getElementById("assistant-answer-error");
    button.addEventListener("click", function () {
      var target = document.getElementById(button.dataset.target);
      button.disabled = true;
      show(error, false);
      fetch(button.dataset.url, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(button) },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (data) {
            if (response.ok && data.text) {
              putText(target, data.text, button.dataset.used);
            } else if (error) {
              error.textContent = data.error || response.statusText;
              show(error, true);
            }
          });
        })
        .catch(function (problem) {
          if (error) {
            error.textContent = problem.message;
            show(error, true);
          }
        })
        .then(function () {
          button.disabled = false;
        });
    });
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
          if (response.ok && data.text) putText(target, data.text, "assistant-used");
          else target.setAttribute("placeholder", data.error || response.statusText);
        });
      })
      .catch(function () {})
      .then(function () {
        button.disabled = false;
      });
  });

  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.getElementById("assistant-panel");
    if (panel) initPanel(panel);
    var answer = document.getElementById("assistant-answer");
    if (answer) initAnswer(answer);
  });
})();
