/* SI KoKoM officer console: polling and small conveniences.
 * No inline scripts (CSP script-src 'self'); every text from the server is put
 * into the page with textContent, never innerHTML. */
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var CSRF = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var intervalMeta = document.querySelector('meta[name="poll-interval"]');
  var POLL_MS = intervalMeta ? parseInt(intervalMeta.getAttribute("content"), 10) || 2000 : 2000;
  var body = document.body;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (r.status === 401) { window.location.reload(); throw new Error("Sesi berakhir"); }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function postJSON(url, data) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": CSRF },
      body: JSON.stringify(data || {})
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, message: "HTTP " + r.status }; });
    });
  }

  function poll(fn) {
    var busy = false;
    function tick() {
      if (busy) return;
      busy = true;
      Promise.resolve().then(fn).catch(function () {}).then(function () { busy = false; });
    }
    tick();
    return window.setInterval(tick, POLL_MS);
  }

  // Forms that ask before submitting (finish, take over).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });

  // ------------------------------------------------------------------ inbox
  function handoffRow(h, kind) {
    var actions = el("td", { className: "actions" });
    if (kind === "waiting") {
      var form = el("form", { method: "post", action: h.claim_url, className: "inline" }, [
        el("input", { type: "hidden", name: "csrf_token", value: CSRF }),
        el("button", { type: "submit", className: "primary claim-button", text: "Ambil alih" })
      ]);
      actions.appendChild(form);
      actions.appendChild(document.createTextNode(" "));
    }
    actions.appendChild(el("a", { href: h.url, className: "button", text: "Buka" }));
    var reason = el("td", {}, [el("span", { className: "badge reason-" + h.reason, text: h.reason_label })]);
    if (h.outside_hours) {
      reason.appendChild(document.createTextNode(" "));
      reason.appendChild(el("span", { className: "badge warn", text: "Di luar jam layanan" }));
    }
    var cells = [
      el("td", {}, [el("strong", { className: "resident-name", text: h.name || "Tanpa nama" }), el("br"),
                    el("span", { className: "muted number", text: h.sender_id })]),
      el("td", { text: h.ticket || "-" }),
      reason,
      el("td", {}, [h.requested_at, el("br"),
                    el("span", { className: "muted", text: (kind === "waiting" ? "menunggu " : "") + h.waiting_text })])
    ];
    if (kind !== "waiting") cells.push(el("td", { text: h.claimed_by || "" }));
    cells.push(actions);
    return el("tr", { "data-handoff-id": h.id }, cells);
  }

  function renderGroup(name, items) {
    var tbody = document.getElementById(name + "-body");
    if (!tbody) return;
    var rows = items.map(function (h) { return handoffRow(h, name); });
    tbody.replaceChildren.apply(tbody, rows);
    document.getElementById(name + "-count").textContent = String(items.length);
    document.getElementById(name + "-empty").hidden = items.length > 0;
  }

  if (body.dataset.page === "inbox") {
    var inboxError = document.getElementById("inbox-error");
    poll(function () {
      return getJSON(body.dataset.api).then(function (data) {
        renderGroup("waiting", data.waiting);
        renderGroup("mine", data.mine);
        renderGroup("others", data.others);
        document.getElementById("inbox-updated").textContent = data.now;
        inboxError.hidden = true;
      }).catch(function (err) {
        inboxError.textContent = "Gagal memuat: " + err.message;
        inboxError.hidden = false;
      });
    });
  }

  // ----------------------------------------------------------- transcript
  function messageNode(m) {
    var who = m.who === "warga" ? "Warga" : m.who === "petugas" ? "Petugas " + (m.officer || "")
      : m.who === "asisten" ? "Asisten" : "Sistem";
    var meta = who + " · " + m.at + (m.template ? " · template" : "");
    var node = el("div", { className: "msg msg-" + m.who + (m.failed ? " msg-failed" : "") }, [
      el("div", { className: "meta", text: meta })
    ]);
    if (m.text) node.appendChild(el("div", { className: "text", text: m.text }));
    if (m.buttons && m.buttons.length) {
      node.appendChild(el("div", { className: "buttons" }, m.buttons.map(function (b) {
        return el("span", { className: "chip", text: b });
      })));
    }
    if (m.media) {
      if (m.media.url && m.media.is_image) {
        node.appendChild(el("a", { href: m.media.url, target: "_blank", rel: "noopener" }, [
          el("img", { src: m.media.url, alt: m.who === "warga" ? "Foto dari warga" : "Gambar terkirim",
                      className: "media" })]));
      } else if (m.media.url) {
        node.appendChild(el("a", { href: m.media.url, target: "_blank", rel: "noopener",
                                   text: "Lampiran (" + (m.media.name || m.media.type || "berkas") + ")" }));
      } else {
        node.appendChild(el("span", { className: "muted", text: "[lampiran tidak tersedia]" }));
      }
      if (m.media.caption) node.appendChild(el("div", { className: "text", text: m.media.caption }));
    }
    if (m.location) {
      node.appendChild(el("div", {}, [el("a", {
        href: m.location.map_url, target: "_blank", rel: "noopener noreferrer",
        text: "Lokasi: " + (m.location.name || "") + " (" + m.location.lat + ", " + m.location.lon + ")"
      })]));
    }
    if (m.failed) node.appendChild(el("div", { className: "error-text", text: "GAGAL terkirim: " + (m.error || "tanpa keterangan") }));
    if (m.not_in_history) node.appendChild(el("div", { className: "muted", text: "terkirim, belum tercatat di riwayat asisten" }));
    if (m.flag_url) {  // "Asisten salah paham": the message goes to the maintainers' review queue
      node.appendChild(el("form", { method: "post", action: m.flag_url, className: "flag-form" }, [
        el("input", { type: "hidden", name: "csrf_token", value: CSRF }),
        el("input", { type: "hidden", name: "ts_ms", value: String(m.flag_ms) }),
        el("button", { type: "submit", className: "link flag-button", text: "Asisten salah paham" })]));
    }
    return node;
  }

  var lastSignature = null;
  function renderTranscript(data) {
    var box = document.getElementById("transcript");
    if (!box) return;
    var signature = JSON.stringify(data.messages);
    var errorNode = document.getElementById("transcript-error");
    errorNode.textContent = data.error || "";
    errorNode.hidden = !data.error;
    if (signature === lastSignature) return;
    lastSignature = signature;
    var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    var nodes = data.messages.map(messageNode);
    if (!nodes.length) nodes = [el("p", { className: "empty", text: "Belum ada pesan." })];
    box.replaceChildren.apply(box, nodes);
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

  function renderNotes(notes) {
    var list = document.getElementById("notes");
    if (!list) return;
    list.replaceChildren.apply(list, notes.map(function (n) {
      return el("li", {}, [el("div", { className: "meta", text: n.author + " · " + n.at }),
                           el("div", { className: "text", text: n.text })]);
    }));
  }

  function renderState(data) {
    var area = document.getElementById("reply-area");
    if (!area) return;
    area.hidden = !data.can_reply;
    document.getElementById("reply-hint").hidden = !!data.can_reply;
    document.getElementById("reply-form").hidden = !data.window.open;
    document.getElementById("template-form").hidden = !!data.window.open;
    var attachForm = document.getElementById("attach-form");
    if (attachForm) attachForm.hidden = !data.window.open;
    var ws = document.getElementById("window-state");
    ws.className = data.window.open ? "ok-text" : "error-text";
    ws.textContent = data.window.open
      ? "Jendela 24 jam WhatsApp terbuka" + (data.window.closes_at ? " (sampai " + data.window.closes_at + ")" : "") + ": pesan bebas dapat dikirim."
      : "Jendela 24 jam WhatsApp tertutup" + (data.window.last_inbound_at ? " (pesan terakhir warga " + data.window.last_inbound_at + ")" : "") + ": hanya template resmi yang dapat dikirim.";
  }

  function showStatus(result) {
    var line = document.getElementById("reply-status");
    if (!line) return;
    var parts = [result.message].concat(result.warnings || []);
    line.textContent = parts.filter(Boolean).join(" ");
    line.className = "status-line " + (result.ok ? "ok-text" : "error-text");
  }

  if (body.dataset.page === "conversation" || body.dataset.page === "case") {
    var box = document.getElementById("transcript");
    if (box) box.scrollTop = box.scrollHeight;
    var refresh = function () {
      return getJSON(body.dataset.api).then(function (data) {
        renderTranscript(data);
        if (body.dataset.page === "conversation") { renderNotes(data.notes); renderState(data); }
      });
    };
    poll(refresh);

    var replyForm = document.getElementById("reply-form");
    if (replyForm) {
      var text = document.getElementById("reply-text");
      document.querySelectorAll(".canned-reply").forEach(function (button) {
        button.addEventListener("click", function () {
          text.value = text.value ? text.value + "\n" + button.dataset.text : button.dataset.text;
          text.focus();
        });
      });
      replyForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var send = document.getElementById("reply-send");
        if (!text.value.trim()) return;
        send.disabled = true;
        showStatus({ ok: true, message: "Mengirim..." });
        postJSON(body.dataset.replyUrl, { text: text.value }).then(function (result) {
          showStatus(result);
          if (result.ok) text.value = "";
          return refresh();
        }).catch(function (err) {
          showStatus({ ok: false, message: "Pesan GAGAL terkirim: " + err.message });
        }).then(function () { send.disabled = false; });
      });
      // Attachments: a file from the computer, or one of the library (two clicks: choose, send).
      var attachForm = document.getElementById("attach-form");
      var attachFile = document.getElementById("attach-file");
      var attachCaption = document.getElementById("attach-caption");
      var attachCanned = document.getElementById("attach-canned-id");
      var attachChosen = document.getElementById("attach-chosen");
      var clearCanned = function () {
        attachCanned.value = "";
        attachChosen.hidden = true;
        attachChosen.textContent = "";
        document.querySelectorAll(".canned-file").forEach(function (b) { b.classList.remove("active"); });
      };
      document.querySelectorAll(".canned-file").forEach(function (button) {
        button.addEventListener("click", function () {
          clearCanned();
          attachFile.value = "";
          attachCanned.value = button.dataset.id;
          attachCaption.value = button.dataset.caption || "";
          attachChosen.textContent = "Berkas dari pustaka: " + button.dataset.title + " (tekan Kirim berkas)";
          attachChosen.hidden = false;
          button.classList.add("active");
        });
      });
      attachFile.addEventListener("change", function () { if (attachFile.value) clearCanned(); });
      attachForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var sendButton = document.getElementById("attach-send");
        if (!attachCanned.value && !attachFile.files.length) {
          showStatus({ ok: false, message: "Pilih berkas (foto atau dokumen) yang akan dikirim." });
          return;
        }
        sendButton.disabled = true;
        showStatus({ ok: true, message: "Mengunggah dan mengirim berkas..." });
        fetch(body.dataset.attachUrl, {
          method: "POST", credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": CSRF },
          body: new FormData(attachForm)
        }).then(function (r) {
          return r.json().catch(function () { return { ok: false, message: "HTTP " + r.status }; });
        }).then(function (result) {
          showStatus(result);
          if (result.ok) { attachFile.value = ""; attachCaption.value = ""; clearCanned(); }
          return refresh();
        }).catch(function (err) {
          showStatus({ ok: false, message: "Berkas GAGAL terkirim: " + err.message });
        }).then(function () { sendButton.disabled = false; });
      });

      document.getElementById("template-form").addEventListener("submit", function (ev) {
        ev.preventDefault();
        postJSON(body.dataset.templateUrl, {}).then(function (result) { showStatus(result); return refresh(); });
      });
    }

    var noteForm = document.getElementById("note-form");
    if (noteForm) {
      noteForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var noteText = document.getElementById("note-text");
        if (!noteText.value.trim()) return;
        postJSON(body.dataset.noteUrl, { text: noteText.value }).then(function (result) {
          if (result.ok) noteText.value = "";
          else window.alert(result.message);
          return refresh();
        });
      });
    }

    var reveal = document.getElementById("nik-reveal");
    if (reveal) {
      reveal.addEventListener("click", function () {
        postJSON(body.dataset.nikUrl, {}).then(function (result) {
          if (result.ok) { document.getElementById("nik-value").textContent = result.nik; reveal.hidden = true; }
        });
      });
    }
  }
})();
