/* Brandstation web chat: a plain-JS client for Rasa's socket.io channel.
 *
 * Safety rule for this file: message content (the buyer's and the bot's) is only ever put on the page
 * with textContent or as an attribute value checked here; never as HTML.
 */
(function () {
  "use strict";

  var SESSION_KEY = "brandstation.session_id";
  // The server issues and signs the session token (bot/sessions.py): "<32 hex id>.<32 hex signature>".
  var SESSION_TOKEN = /^[0-9a-f]{32}\.[0-9a-f]{32}$/;
  var DEFAULT_REPLY_TIMEOUT_MS = 45000; // until /config.json says otherwise
  var BOM_REPLY_FACTOR = 4; // a BOM of thousands of lines takes longer to match and price than a question
  var EXAMPLES = ["6205-2RS 内径多少?", "power rating of 0603WAF1002T5E?"];
  var MAX_UPLOAD_BYTES = 5 * 1024 * 1024; // same limit as the server (bot/quotes.py)
  var BOM_TYPES = /\.(xlsx|xlsm|xls|et|csv|tsv|txt|md|markdown|xml|htm|html)$/i;  // knowledge/bom.py FILE_TYPES

  var STRINGS = {
    zh: {
      title: "Brandstation 选型助手",
      skip: "跳到输入框",
      log: "对话记录",
      earlier: "之前的对话",
      noReply: "助手没有回复,请稍后再试一次。",
      label: "您的消息",
      placeholder: "输入型号或参数问题…",
      send: "发送",
      welcome: "您好!我可以查询型号参数、寻找替代料。试试这样问:",
      examples: "示例问题",
      choices: "可选回复",
      you: "您说:",
      bot: "助手说:",
      typing: "助手正在输入",
      connecting: "正在连接…",
      offline: "暂时无法连接助手,正在重试…",
      mpn: "型号",
      manufacturer: "品牌",
      sku: "料号",
      price: "价格",
      stock: "库存",
      datasheet: "查看规格书",
      source: "来源",
      attach: "上传 BOM 文件",
      uploading: "正在上传",
      tooLarge: "文件太大:BOM 文件不能超过 5 MB。",
      badType: "请上传 .xlsx / .xls / .csv / .tsv / .md / KiCad .xml 格式的 BOM。",
      uploadFailed: "上传失败:",
      dropHere: "松开即可上传 BOM",
      quote: "报价单",
      line: "行",
      status: "状态",
      input: "BOM 型号/规格",
      matched: "匹配型号",
      qty: "数量",
      amount: "金额",
      subtotal: "小计",
      tax: "税额",
      total: "合计",
      validUntil: "有效期至",
      download: "下载",
      toDecide: "待处理",
      allLines: "全部明细",
      unpriced: "未报价",
      noCandidate: "目录中没有候选,已记录需求;可回复“转人工”",
      lineN: function (n) { return "第" + n + "行"; },
      pickSaid: function (name, k, mpn) { return name + "用第" + k + "个(" + mpn + ")"; },
    },
    en: {
      title: "Brandstation parts assistant",
      skip: "Skip to the message box",
      log: "Conversation",
      earlier: "Earlier in this conversation",
      noReply: "No answer from the assistant. Please try again.",
      label: "Your message",
      placeholder: "Part number or question…",
      send: "Send",
      welcome: "Hi! I can look up part specs and find substitutes. Try asking:",
      examples: "Example questions",
      choices: "Suggested replies",
      you: "You said:",
      bot: "Assistant said:",
      typing: "The assistant is typing",
      connecting: "Connecting…",
      offline: "Can't reach the assistant, retrying…",
      mpn: "MPN",
      manufacturer: "Manufacturer",
      sku: "SKU",
      price: "Price",
      stock: "Stock",
      datasheet: "Datasheet",
      source: "Source",
      attach: "Attach a BOM file",
      uploading: "Uploading",
      tooLarge: "File too large: BOM files up to 5 MB.",
      badType: "Please attach the BOM as .xlsx, .xls, .csv, .tsv, .md or KiCad .xml.",
      uploadFailed: "Upload failed: ",
      dropHere: "Drop the BOM to upload it",
      quote: "Quote",
      line: "Line",
      status: "Status",
      input: "BOM item",
      matched: "Matched part",
      qty: "Qty",
      amount: "Amount",
      subtotal: "Subtotal",
      tax: "Tax",
      total: "Total",
      validUntil: "Valid until",
      download: "Download",
      toDecide: "To decide",
      allLines: "All lines",
      unpriced: "not priced",
      noCandidate: "No candidate in the catalog; noted. Reply “talk to sales” for help",
      lineN: function (n) { return "Line " + n; },
      pickSaid: function (name, k, mpn) { return name + ": use #" + k + " (" + mpn + ")"; },
    },
  };

  /** "zh" for any Chinese browser locale (or ?lang=zh), else "en". */
  function pickLanguage(languages, override) {
    if (override === "zh" || override === "en") return override;
    var list = Array.isArray(languages) ? languages : [languages];
    var first = String(list.find(function (l) { return typeof l === "string" && l; }) || "en");
    return first.toLowerCase().indexOf("zh") === 0 ? "zh" : "en";
  }

  /** The URL when it is an absolute http(s) link, else null (no javascript:, data:, relative ...). */
  function safeHttpUrl(value) {
    if (typeof value !== "string") return null;
    var trimmed = value.trim();
    if (!/^https?:\/\//i.test(trimmed)) return null;
    try {
      var url = new URL(trimmed);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function start() {
    var params = new URLSearchParams(window.location.search);
    var lang = pickLanguage(navigator.languages && navigator.languages.length ? navigator.languages
      : navigator.language, params.get("lang"));
    var t = STRINGS[lang];
    var $ = function (id) { return document.getElementById(id); };
    var log = $("log");
    var input = $("composer-input");
    var typing = $("typing");
    var insertAt = typing; // new messages go before this node; the history goes above the live messages
    var replyTimer = null;
    var replyTimeoutMs = DEFAULT_REPLY_TIMEOUT_MS;
    var socket = null;
    var ready = false; // true between session_confirm and disconnect
    var whenReady = []; // work that needs the conversation's id (a file attached before the socket confirmed it)
    var queue = []; // messages typed before the session is confirmed
    var pendingQuestion = params.get("q"); // deep link: ?q=... asks once on arrival
    var storedId = loadSessionId();
    var returning = SESSION_TOKEN.test(storedId || ""); // a conversation that may have a history to show
    var sessionId = returning ? storedId : null; // null: the server issues one on session_request

    localize();
    renderWelcome();
    var historyMark = document.createComment("history");
    log.insertBefore(historyMark, typing);
    // When the phone keyboard opens (or the window shrinks) keep the newest message in view,
    // unless the buyer has scrolled up to read.
    var pinned = true;
    log.addEventListener("scroll", function () { pinned = nearBottom(); }, { passive: true });
    window.addEventListener("resize", function () { if (pinned) scrollToEnd(); });
    setStatus(t.connecting);

    $("composer").addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      say(text, text);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      // Enter that only confirms a Chinese IME candidate must not send (Safari reports it as keyCode 229).
      if (event.isComposing || event.keyCode === 229) { event.preventDefault(); return; }
      // Enter sends; Shift+Enter keeps a new line (a pasted BOM table keeps its rows).
      if (!event.shiftKey) { event.preventDefault(); $("composer").requestSubmit(); }
    });
    $("skip").addEventListener("click", function (event) { event.preventDefault(); input.focus(); });
    $("composer-attach").addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); $("composer-file").click(); }
    });
    $("composer-file").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      event.target.value = "";
      if (file) upload(file);
    });
    var chat = document.querySelector(".chat");
    chat.addEventListener("dragover", function (event) {
      event.preventDefault();
      chat.classList.add("chat--drop");
    });
    chat.addEventListener("dragleave", function () { chat.classList.remove("chat--drop"); });
    chat.addEventListener("drop", function (event) {
      event.preventDefault();
      chat.classList.remove("chat--drop");
      var file = event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files[0];
      if (file) upload(file);
    });

    fetch("/config.json", { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("config " + r.status); return r.json(); })
      .then(function (config) {
        if (typeof config.replyTimeoutMs === "number" && config.replyTimeoutMs > 0) replyTimeoutMs = config.replyTimeoutMs;
        return loadHistory(config).then(function () { connect(config); });
      })
      .catch(function () { setStatus(t.offline); });

    /** Re-draw the conversation so far (after a reload); a failure only costs the history, never the chat. */
    function loadHistory(config) {
      if (!config.history || !returning) return Promise.resolve();
      return fetch("/history?session=" + encodeURIComponent(sessionId), { cache: "no-store" })
        .then(function (r) { if (!r.ok) throw new Error("history " + r.status); return r.json(); })
        .then(function (body) { renderHistory(Array.isArray(body.messages) ? body.messages : []); })
        .catch(function () { /* the page works without it */ });
    }

    function renderHistory(messages) {
      if (!messages.length) return;
      // Screen readers should announce new replies, not read the whole old conversation out on load.
      log.setAttribute("aria-live", "off");
      insertAt = historyMark;
      append(el("p", "history-note", t.earlier));
      messages.forEach(function (message, i) {
        if (!message || typeof message !== "object") return;
        if (message.role === "user") {
          addBubble("user", text(message.text));
          return;
        }
        if (message.role !== "bot") return;
        String(text(message.text)).split("\n\n").forEach(function (part) { if (part.trim()) addBubble("bot", part); });
        if (Array.isArray(message.replies) && message.replies.length) {
          addQuickReplies(message.replies); // the question still open: its buttons work after a reload
        } else if (Array.isArray(message.buttons) && message.buttons.length) {
          var next = messages[i + 1];
          var answered = next && next.role === "user" ? text(next.text) : "";
          addPastChoices(message.buttons, answered);
        }
        if (message.card && typeof message.card === "object") addCard(message.card);
        if (message.quote && typeof message.quote === "object") addQuote(message.quote);
      });
      insertAt = typing;
      scrollToEnd();
      setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 1000);
    }

    function connect(config) {
      socket = window.io(config.rasaUrl, { path: config.socketPath || "/socket.io" });
      socket.on("connect", function () {
        setStatus("");
        socket.emit("session_request", sessionId ? { session_id: sessionId } : {});
      });
      socket.on("session_confirm", function (data) {
        // Rasa sends the id itself; accept {session_id} too in case a proxy wraps it.
        var id = data && typeof data === "object" ? data.session_id : data;
        if (typeof id === "string" && SESSION_TOKEN.test(id)) {
          sessionId = id;
          saveSessionId(id);
        }
        ready = true;
        queue.splice(0).forEach(emitUser);
        whenReady.splice(0).forEach(function (run) { run(); });
        if (pendingQuestion) {
          var q = pendingQuestion.trim();
          pendingQuestion = null;
          dropQueryParam("q"); // a reload must not ask again
          if (q) say(q, q);
        }
      });
      socket.on("bot_uttered", renderBot);
      socket.on("disconnect", function () { ready = false; setStatus(t.offline); });
      socket.on("connect_error", function () { setStatus(t.offline); });
    }

    /** Show the buyer's words (`shown`) and send `message` (a quick reply's payload may differ). */
    function say(shown, message) {
      addBubble("user", shown);
      showTyping();
      send({ message: message, shown: shown });
    }

    function send(item) {
      if (ready) emitUser(item);
      else queue.push(item); // sent on session_confirm, so Rasa knows the conversation first
    }

    function emitUser(item) {
      var data = { message: item.message }; // the server knows this socket's conversation
      // Rasa keeps the metadata with the message in its tracker store, so the history shows what the buyer
      // saw (a button's title, "📎 file.csv"), not the payload. Typed text is its own record.
      if (item.shown !== item.message) data.metadata = { shown: item.shown };
      socket.emit("user_uttered", data);
    }

    function renderBot(payload) {
      if (!payload || typeof payload !== "object") return;
      hideTyping();
      if (typeof payload.text === "string" && payload.text) addBubble("bot", payload.text);
      var replies = payload.quick_replies;
      if (Array.isArray(replies) && replies.length) addQuickReplies(replies);
      if (payload.card && typeof payload.card === "object") addCard(payload.card);
      if (payload.quote && typeof payload.quote === "object") addQuote(payload.quote);
    }

    /** Send a BOM file to the web server, then tell Rasa which upload to quote. */
    function upload(file) {
      if (!BOM_TYPES.test(file.name)) { addBubble("bot", t.badType); return; }
      if (file.size > MAX_UPLOAD_BYTES) { addBubble("bot", t.tooLarge); return; }
      var shown = "📎 " + file.name;
      addBubble("user", shown);
      showTyping(replyTimeoutMs * BOM_REPLY_FACTOR);
      // The upload belongs to this conversation only: a file attached before the socket has its id waits for it.
      if (ready && sessionId) post(file, shown);
      else whenReady.push(function () { post(file, shown); });
    }

    function post(file, shown) {
      var form = new FormData();
      form.append("file", file, file.name);
      form.append("session", sessionId || ""); // the upload belongs to this conversation only
      fetch("/uploads", { method: "POST", body: form })
        .then(function (r) {
          return r.json().then(function (body) {
            if (!r.ok) throw new Error(text(body && body.error) || String(r.status));
            return body;
          });
        })
        .then(function (body) {
          // The page's language goes along, so the quote is answered in it (the `language` slot).
          var message = "/upload_bom" + JSON.stringify({ upload_id: String(body.upload_id), language: lang });
          send({ message: message, shown: shown });
        })
        .catch(function (error) {
          hideTyping();
          addBubble("bot", t.uploadFailed + (error && error.message ? error.message : ""));
        });
    }

    function addQuote(quote) {
      // Only the newest quote takes picks: an older card's numbers may mean other parts by now.
      Array.prototype.forEach.call(document.querySelectorAll(".quote__pick"), function (b) { b.disabled = true; });
      var box = el("article", "card quote");
      box.appendChild(el("h2", "card__title", t.quote + " " + text(quote.quote_id) + " r" + text(quote.revision)));
      if (text(quote.file)) box.appendChild(el("p", "card__codes", text(quote.file)));
      if (text(quote.change)) box.appendChild(el("p", "quote__change", text(quote.change)));
      // What was read (sheet, header row, column → field, rows skipped): checked before the money.
      (Array.isArray(quote.reading) ? quote.reading : []).forEach(function (line) {
        if (text(line)) box.appendChild(el("p", "quote__reading", text(line)));
      });
      (Array.isArray(quote.headline) ? quote.headline : []).forEach(function (line, i) {
        if (text(line)) box.appendChild(el("p", i === 0 ? "quote__headline" : "quote__terms", text(line)));
      });
      var decide = Array.isArray(quote.decide) ? quote.decide : [];
      if (decide.length) {
        // On a revision the buyer has seen the list already: folded, one click away.
        var section = foldable(t.toDecide + " (" + decide.length + ")", Number(quote.revision) === 1);
        decide.forEach(function (line) { section.body.appendChild(decisionRow(line)); });
        box.appendChild(section.box);
      }
      var lines = Array.isArray(quote.lines) ? quote.lines : [];
      if (lines.length) {
        var all = foldable(t.allLines + " (" + lines.length + ")", quote.table_open === true);
        var wrap = el("div", "quote__scroll");
        var table = el("table", "quote__table");
        var head = el("tr");
        [[t.line, "num"], [t.status, "status"], [t.input, "input"], [t.matched, "part"], [t.qty, "num"], [t.amount, "num"]]
          .forEach(function (h) { head.appendChild(el("th", "quote__" + h[1], h[0])); });
        table.appendChild(head);
        lines.forEach(function (line) {
          var row = el("tr", "quote__row quote__row--" + (text(line.status) || "unknown"));
          row.appendChild(el("td", "quote__num quote__lineno", text(line.line)));
          row.appendChild(el("td", "quote__status", text(line.status_label) || text(line.status)));
          row.appendChild(el("td", "quote__input", text(line.input)));
          var offered = candidateNames(line.candidates);
          var part = text(line.mpn) || (line.status === "ambiguous" && offered ? "? " + offered : "—");
          row.appendChild(el("td", "quote__part", part));
          row.appendChild(el("td", "quote__num", text(line.qty)));
          row.appendChild(el("td", "quote__num", text(line.ext_price)));
          table.appendChild(row);
        });
        wrap.appendChild(table);
        all.body.appendChild(wrap);
        box.appendChild(all.box);
      }
      var totals = el("dl", "card__trade");
      var partial = text(quote.totals_label);
      [[t.subtotal, quote.subtotal], [t.tax, quote.tax], [t.total, quote.total], [t.validUntil, quote.valid_until]]
        .forEach(function (pair) {
          if (!text(pair[1])) return;
          var row = el("div");
          var label = pair[0] === t.subtotal && partial ? pair[0] + " (" + partial + ")" : pair[0];
          row.appendChild(el("dt", null, label));
          row.appendChild(el("dd", "quote__num", (pair[0] === t.validUntil ? "" : text(quote.currency) + " ") + text(pair[1])));
          totals.appendChild(row);
        });
      box.appendChild(totals);
      var downloads = quote.downloads && typeof quote.downloads === "object" ? quote.downloads : {};
      var links = el("p", "quote__downloads");
      ["xlsx", "pdf", "csv"].forEach(function (fmt) {
        var href = safeHttpUrl(downloads[fmt]);
        if (!href) return;
        var link = el("a", "chip quote__download", t.download + " " + fmt.toUpperCase());
        // Served by this page's own server: keep only the path, whatever host the bot was configured with.
        var path = new URL(href).pathname + (lang === "en" ? "?lang=en" : "");
        link.href = path;
        link.setAttribute("download", "");
        links.appendChild(link);
      });
      if (links.childNodes.length) box.appendChild(links);
      var row = el("div", "msg msg--bot");
      row.appendChild(box);
      append(row);
    }

    /** A <details> block: its summary line and the body to fill. */
    function foldable(title, open) {
      var box = el("details", "quote__fold");
      if (open) box.open = true;
      box.appendChild(el("summary", null, title));
      var body = el("div", "quote__fold-body");
      box.appendChild(body);
      return { box: box, body: body };
    }

    /** Quotes stored before candidates were objects carry plain part numbers. */
    function candidateNames(candidates) {
      return (Array.isArray(candidates) ? candidates : [])
        .map(function (c) { return c && typeof c === "object" ? text(c.mpn) : text(c); })
        .filter(Boolean).join(" / ");
    }

    /** One line to decide: what the BOM says, then a button per numbered candidate (package, stock, price). */
    function decisionRow(line) {
      var item = el("div", "quote__decide quote__row--" + (text(line.status) || "unknown"));
      var what = [text(line.name) || t.lineN(text(line.line)), text(line.status_label), text(line.input), text(line.designators)];
      item.appendChild(el("p", "quote__decide-head", what.filter(Boolean).join(" · ")));
      var candidates = Array.isArray(line.candidates) ? line.candidates : [];
      if (!line.pickable || !candidates.length) {
        item.appendChild(el("p", "quote__decide-none", text(line.mpn) ? text(line.mpn) + " — " + t.unpriced : t.noCandidate));
        return item;
      }
      var group = el("div", "quote__picks");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t.lineN(text(line.line)));
      candidates.forEach(function (c) {
        if (!c || typeof c !== "object") return;
        var button = el("button", "chip quote__pick" + (c.current ? " chip--chosen" : ""), text(c.label) || text(c.mpn));
        button.type = "button";
        if (c.current) button.setAttribute("aria-pressed", "true");
        button.addEventListener("click", function () {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
          button.classList.add("chip--chosen");
          // The server's payload names the row, its sheet and this card's revision (an older card is refused).
          var payload = /^\/revise_quote\{/.test(text(c.payload)) ? text(c.payload)
            : "/revise_quote" + JSON.stringify({ quote_line: Number(line.line), candidate: Number(c.n) });
          say(t.pickSaid(text(line.name) || t.lineN(text(line.line)), text(c.n), text(c.mpn)), payload);
        });
        group.appendChild(button);
      });
      item.appendChild(group);
      return item;
    }

    function addBubble(who, text) {
      var row = el("div", "msg msg--" + who);
      row.appendChild(el("span", "visually-hidden", who === "user" ? t.you : t.bot));
      row.appendChild(el("p", "bubble", text));
      append(row);
    }

    /** A past question's options from the history: shown, not clickable; the one the buyer picked is marked. */
    function addPastChoices(titles, answered) {
      var group = el("div", "choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t.choices);
      titles.forEach(function (title) {
        if (!text(title)) return;
        var chip = el("button", "chip", title);
        chip.type = "button";
        chip.disabled = true;
        if (text(title) === answered) chip.classList.add("chip--chosen");
        group.appendChild(chip);
      });
      append(group);
    }

    function addQuickReplies(replies) {
      var group = el("div", "choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t.choices);
      replies.forEach(function (reply) {
        if (!reply || typeof reply.title !== "string") return;
        var payload = typeof reply.payload === "string" && reply.payload ? reply.payload : reply.title;
        var button = el("button", "chip", reply.title);
        button.type = "button";
        button.addEventListener("click", function () {
          // One answer per question: the other buttons go quiet, the chosen one stays marked.
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
          button.classList.add("chip--chosen");
          say(reply.title, payload);
          input.focus();
        });
        group.appendChild(button);
      });
      append(group);
    }

    function addCard(card) {
      var box = el("article", "card");
      var title = text(card.title) || text(card.mpn);
      if (title) box.appendChild(el("h2", "card__title", title));

      var codes = el("p", "card__codes");
      if (text(card.mpn) && text(card.mpn) !== title) codes.appendChild(el("span", "card__mpn", card.mpn));
      if (text(card.manufacturer)) codes.appendChild(el("span", "card__maker", card.manufacturer));
      if (codes.childNodes.length) box.appendChild(codes);

      if (text(card.answer)) box.appendChild(el("p", "card__answer", card.answer));

      var facts = Array.isArray(card.facts) ? card.facts.filter(function (f) {
        return Array.isArray(f) && f.length >= 2 && text(f[0]) && text(f[1]);
      }) : [];
      if (facts.length) {
        var list = el("dl", "card__facts");
        facts.forEach(function (f) {
          var row = el("div", "card__fact");
          row.appendChild(el("dt", null, f[0]));
          row.appendChild(el("dd", null, f[1]));
          list.appendChild(row);
        });
        box.appendChild(list);
      }

      var trade = el("dl", "card__trade");
      [["price", card.price], ["stock", card.stock], ["sku", card.sku]].forEach(function (pair) {
        if (!text(pair[1])) return;
        var row = el("div");
        row.appendChild(el("dt", null, t[pair[0]]));
        row.appendChild(el("dd", null, pair[1]));
        trade.appendChild(row);
      });
      if (trade.childNodes.length) box.appendChild(trade);

      var href = safeHttpUrl(card.datasheet);
      if (href) {
        var link = el("a", "card__link", t.datasheet);
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        box.appendChild(link);
      }
      if (text(card.source)) box.appendChild(el("p", "card__source", t.source + ": " + text(card.source)));

      var row = el("div", "msg msg--bot");
      row.appendChild(box);
      append(row);
    }

    function renderWelcome() {
      var row = el("div", "msg msg--bot");
      row.appendChild(el("p", "bubble", t.welcome));
      append(row);
      var group = el("div", "choices choices--examples");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t.examples);
      EXAMPLES.forEach(function (example) {
        var button = el("button", "chip", example);
        button.type = "button";
        button.addEventListener("click", function () { say(example, example); input.focus(); });
        group.appendChild(button);
      });
      append(group);
    }

    function localize() {
      document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
      document.title = t.title;
      $("title").textContent = t.title;
      $("skip").textContent = t.skip;
      log.setAttribute("aria-label", t.log);
      $("composer-file").setAttribute("aria-label", t.attach);
      $("composer-label").textContent = t.label;
      $("composer-send").textContent = t.send;
      $("composer-attach").setAttribute("aria-label", t.attach);
      $("composer-attach").title = t.attach;
      $("typing-label").textContent = t.typing;
      input.placeholder = t.placeholder;
    }

    /** Typing dots while a reply is due; if none comes in time, say so (a crashed action leaves Rasa silent). */
    function showTyping(waitMs) {
      typing.hidden = false;
      clearTimeout(replyTimer);
      replyTimer = setTimeout(function () {
        hideTyping();
        var row = el("div", "msg msg--bot msg--notice");
        row.appendChild(el("span", "visually-hidden", t.bot));
        row.appendChild(el("p", "bubble", t.noReply));
        append(row);
      }, waitMs || replyTimeoutMs);
      scrollToEnd();
    }

    function hideTyping() {
      clearTimeout(replyTimer);
      typing.hidden = true;
    }

    function setStatus(message) {
      $("status").textContent = message;
    }

    function append(node) {
      log.insertBefore(node, insertAt);
      scrollToEnd();
    }

    function scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    function nearBottom() {
      return log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    }
  }

  /** An element with a class and text content; the only way this file puts message text on the page. */
  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function text(value) {
    return typeof value === "string" || typeof value === "number" ? String(value).trim() : "";
  }

  function loadSessionId() {
    try {
      return window.localStorage.getItem(SESSION_KEY);
    } catch (e) {
      return null; // storage blocked (private mode, cookies off): a new conversation per page load
    }
  }

  function saveSessionId(id) {
    try {
      window.localStorage.setItem(SESSION_KEY, id);
    } catch (e) {
      /* see loadSessionId */
    }
  }

  function dropQueryParam(name) {
    try {
      var url = new URL(window.location.href);
      url.searchParams.delete(name);
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    } catch (e) {
      /* old browser: the question may be asked again on reload, harmless */
    }
  }

  if (typeof module === "object" && module.exports) {
    module.exports = { pickLanguage: pickLanguage, safeHttpUrl: safeHttpUrl };
  } else {
    start();
  }
})();
