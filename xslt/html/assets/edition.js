// treatytei HTML edition: the few things that need script. Everything works without it
// (popovers are native; a name is a link to its register entry); script adds: the
// register entry in a popover beside the name (from register.js), remembering the script
// mode and the collation view, hover for popovers, placing popovers beside their name,
// search.
(function () {
  "use strict";
  var store = {
    get: function (k) { try { return window.localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { window.localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };
  // an interface string in the page's language (xslt/html/ui/: the page carries the ones
  // this script writes, on #tt-ui), its {1}, {2} … filled in
  var uiStrings = document.getElementById("tt-ui");
  function ui(name) {
    var s = (uiStrings && uiStrings.getAttribute("data-" + name)) || "";
    for (var i = 1; i < arguments.length; i++) s = s.split("{" + i + "}").join(String(arguments[i]));
    return s;
  }

  // 1. the script mode, remembered across pages. A link always shows what it names: a page
  //    in another script than the reader chose last is not redirected (a cited link to the
  //    original text must not turn into a converted copy); the chosen script is offered
  //    above the text instead.
  function modeLinks() { return document.querySelectorAll(".script-switch a[data-mode]"); }
  var current = document.body.getAttribute("data-mode");
  var wanted = store.get("treatytei-mode");
  if (wanted && wanted !== current) {
    var link = document.querySelector('.script-switch a[data-mode="' + wanted + '"]');
    var main = document.getElementById("main");
    if (link && main) {
      var offer = document.createElement("p");
      offer.className = "script-offer";
      offer.setAttribute("role", "note");
      var go = document.createElement("a");
      go.href = link.getAttribute("href") + window.location.search + window.location.hash;
      go.setAttribute("data-mode", wanted);
      go.textContent = link.textContent.trim();
      go.lang = link.lang;
      offer.appendChild(document.createTextNode(ui("offer",
        (document.querySelector('.script-switch a[aria-current="true"]') || { textContent: current }).textContent.trim())));
      offer.appendChild(go);
      offer.appendChild(document.createTextNode("."));
      main.insertBefore(offer, main.firstChild);
      go.addEventListener("click", function () { store.set("treatytei-mode", wanted); });
    }
  }
  modeLinks().forEach(function (a) {
    a.addEventListener("click", function (e) {
      store.set("treatytei-mode", a.getAttribute("data-mode"));
      if (window.location.hash || window.location.search) {
        e.preventDefault();
        window.location.href = a.getAttribute("href") + window.location.search + window.location.hash;
      }
    });
  });

  // 2. the collation view: which witnesses side by side, which kinds of variant are
  //    marked; the state is in the URL (?wits=A,C&hide=orthographic), so a view can be
  //    cited. Pointing at a reading marks its counterpart in every column.
  var coll = document.querySelector(".collation");
  if (coll) {
    var boxes = document.querySelectorAll('.view-switch input[name="wit"]');
    var kinds = document.querySelectorAll('.kind-filter input[name="kind"]');
    var params = new URLSearchParams(window.location.search);
    var shown = function () {
      return Array.prototype.filter.call(boxes, function (b) { return b.checked; }).map(function (b) { return b.value; });
    };
    var writeState = function () {
      var p = new URLSearchParams(window.location.search);
      var s = shown();
      p.delete("view");
      if (s.length < boxes.length) p.set("wits", s.join(",")); else p.delete("wits");
      var hidden = Array.prototype.filter.call(kinds, function (k) { return !k.checked; }).map(function (k) { return k.value; });
      if (hidden.length) p.set("hide", hidden.join(",")); else p.delete("hide");
      var qs = p.toString();
      window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : "") + window.location.hash);
    };
    var setWits = function (list) {
      boxes.forEach(function (b) { b.checked = list.indexOf(b.value) >= 0; });
      var s = shown();
      coll.querySelectorAll(".wit").forEach(function (w) { w.hidden = s.indexOf(w.getAttribute("data-wit")) < 0; });
      coll.style.setProperty("--wits", String(s.length));
      coll.setAttribute("data-view", s.length === 1 ? s[0] : "synoptic");
      store.set("treatytei-wits", s.join(","));
    };
    boxes.forEach(function (b) {
      b.addEventListener("change", function () {
        if (!shown().length) b.checked = true;           // one witness at least
        setWits(shown()); writeState();
      });
    });
    var setKind = function (k, on) { coll.classList.toggle("hide-" + k, !on); };
    kinds.forEach(function (k) { k.addEventListener("change", function () { setKind(k.value, k.checked); writeState(); }); });
    var all = Array.prototype.map.call(boxes, function (b) { return b.value; });
    var wanted = (params.get("wits") || params.get("view") || store.get("treatytei-wits") || "").split(",")
      .filter(function (w) { return all.indexOf(w) >= 0; });
    setWits(wanted.length ? wanted : all);
    var hide = (params.get("hide") || "").split(",");
    kinds.forEach(function (k) { if (hide.indexOf(k.value) >= 0) { k.checked = false; setKind(k.value, false); } });
    var mark = function (b, cls, on) {
      var id = b && b.getAttribute("data-app");
      if (!id) return;
      coll.querySelectorAll('.var[data-app="' + id + '"]').forEach(function (x) { x.classList.toggle(cls, on); });
    };
    ["mouseover", "focusin"].forEach(function (ev) {
      coll.addEventListener(ev, function (e) { mark(e.target.closest && e.target.closest(".var"), "counterpart", true); });
    });
    ["mouseout", "focusout"].forEach(function (ev) {
      coll.addEventListener(ev, function (e) { mark(e.target.closest && e.target.closest(".var"), "counterpart", false); });
    });
    coll.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest(".var");
      if (!b) return;
      coll.querySelectorAll(".var.current").forEach(function (x) { x.classList.remove("current"); });
      mark(b, "current", true);
      // a click on a reading's words (not on a name in it, nor on its button) opens its readings too
      if (e.target.closest("button, a")) return;
      var pop = document.getElementById(b.getAttribute("data-app"));
      if (!pop || typeof pop.showPopover !== "function") return;
      if (pop.matches(":popover-open")) { pop.hidePopover(); return; }
      invoker = b;
      pop.showPopover();
    });
  }

  // 2b. the places map: zoom (buttons, wheel, + and -) and pan (drag, arrow keys) by
  //     changing the SVG's viewBox; "Whole map" goes back
  document.querySelectorAll("figure.map").forEach(function (fig) {
    var svg = fig.querySelector("svg");
    if (!svg) return;
    var full = svg.getAttribute("data-full").split(" ").map(Number);
    var vb = full.slice();
    var apply = function () {
      var w = Math.min(full[2], Math.max(full[2] / 16, vb[2]));
      var h = w * full[3] / full[2];
      var x = Math.min(Math.max(vb[0], full[0] - w / 2), full[0] + full[2] - w / 2);
      var y = Math.min(Math.max(vb[1], full[1] - h / 2), full[1] + full[3] - h / 2);
      vb = [x, y, w, h];
      svg.setAttribute("viewBox", vb.map(function (v) { return v.toFixed(1); }).join(" "));
    };
    var zoom = function (f, cx, cy) {
      if (cx === undefined) { cx = vb[0] + vb[2] / 2; cy = vb[1] + vb[3] / 2; }
      vb = [cx - (cx - vb[0]) * f, cy - (cy - vb[1]) * f, vb[2] * f, vb[3] * f];
      apply();
    };
    var pan = function (dx, dy) { vb[0] += dx * vb[2]; vb[1] += dy * vb[3]; apply(); };
    fig.querySelectorAll("[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () {
        var z = b.getAttribute("data-zoom");
        if (z === "in") zoom(0.6); else if (z === "out") zoom(1 / 0.6); else { vb = full.slice(); apply(); }
      });
    });
    var toMap = function (e) {
      var r = svg.getBoundingClientRect();
      return [vb[0] + (e.clientX - r.left) / r.width * vb[2], vb[1] + (e.clientY - r.top) / r.height * vb[3]];
    };
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      var p = toMap(e);
      zoom(e.deltaY < 0 ? 0.8 : 1.25, p[0], p[1]);
    }, { passive: false });
    var drag = null;
    svg.addEventListener("pointerdown", function (e) {
      if (e.target.closest && e.target.closest("a")) return;      // a point is a link
      drag = { x: e.clientX, y: e.clientY, vb: vb.slice() };
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", function (e) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      vb[0] = drag.vb[0] - (e.clientX - drag.x) / r.width * vb[2];
      vb[1] = drag.vb[1] - (e.clientY - drag.y) / r.height * vb[3];
      apply();
    });
    ["pointerup", "pointercancel"].forEach(function (ev) { svg.addEventListener(ev, function () { drag = null; }); });
    var routes = fig.querySelector("select[data-routes]");
    if (routes) {
      routes.addEventListener("change", function () {
        svg.querySelectorAll(".route").forEach(function (r) { r.classList.toggle("on", r.id === routes.value); });
      });
    }
    svg.addEventListener("keydown", function (e) {
      var keys = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] };
      if (keys[e.key]) { pan(keys[e.key][0], keys[e.key][1]); e.preventDefault(); }
      else if (e.key === "+" || e.key === "=") { zoom(0.6); e.preventDefault(); }
      else if (e.key === "-") { zoom(1 / 0.6); e.preventDefault(); }
    });
  });

  // 3. popovers: beside the name or reading that opened them; also on hover
  var invoker = null;
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[popovertarget]");
    if (b && !b.classList.contains("pop-close")) invoker = b;
  }, true);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") { var b = document.activeElement; if (b && b.hasAttribute && b.hasAttribute("popovertarget")) invoker = b; }
  }, true);
  function place(pop) {
    if (!invoker) return;
    var r = invoker.getBoundingClientRect();
    pop.setAttribute("data-placed", "");
    var w = pop.offsetWidth, h = pop.offsetHeight;
    var left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8));
    var top = r.bottom + 6;
    if (top + h > window.innerHeight - 8) top = Math.max(8, r.top - h - 6);
    pop.style.left = left + "px";
    pop.style.top = top + "px";
  }
  document.querySelectorAll("[popover]").forEach(function (pop) {
    pop.addEventListener("toggle", function (e) { if (e.newState === "open") place(pop); });
  });
  // a name: its register entry, from register.js, in the page's one register popover
  var entPop = document.getElementById("pop-entity");
  function openEntity(a) {
    var data = window.TREATYTEI_REGISTER;
    var html = data && data[a.getAttribute("data-ref")];
    if (!entPop || !entPop.showPopover || html === undefined) return false;   // the link works as a link
    if (entPop.matches(":popover-open")) entPop.hidePopover();
    entPop.querySelector(".pop-body").innerHTML = html;   // written by the build from the register, escaped
    invoker = a;
    entPop.showPopover({ source: a });   // source: a name inside a reading's popover keeps that one open
    return true;
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.ent-btn[data-ref]");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || e.button !== 0) return;
    if (openEntity(a)) e.preventDefault();
  });
  var hoverTimer = null;
  document.querySelectorAll(".ent-btn[popovertarget], a.ent-btn[data-ref]").forEach(function (b) {
    b.addEventListener("mouseenter", function () {
      clearTimeout(hoverTimer);
      hoverTimer = setTimeout(function () {
        if (b.hasAttribute("data-ref")) {
          if (!(entPop && entPop.matches(":popover-open") && invoker === b) && openEntity(b)) entPop.setAttribute("data-hovered", "");
          return;
        }
        var pop = document.getElementById(b.getAttribute("popovertarget"));
        if (pop && pop.showPopover && !pop.matches(":popover-open")) { invoker = b; pop.showPopover(); pop.setAttribute("data-hovered", ""); }
      }, 350);
    });
    b.addEventListener("mouseleave", function () {
      clearTimeout(hoverTimer);
      // a popover opened by hovering closes when the pointer leaves the name and the box
      var pop = b.hasAttribute("data-ref") ? entPop : document.getElementById(b.getAttribute("popovertarget"));
      if (!pop || !pop.matches(":popover-open") || !pop.hasAttribute("data-hovered") || invoker !== b) return;
      setTimeout(function () {
        if (!pop.matches(":hover") && !b.matches(":hover") && pop.hasAttribute("data-hovered")) pop.hidePopover();
      }, 300);
    });
  });
  // a popover opened by a click stays; one opened by hovering is marked so
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest(".ent-btn[popovertarget], a.ent-btn[data-ref]");
    if (!b) return;
    var pop = b.hasAttribute("data-ref") ? entPop : document.getElementById(b.getAttribute("popovertarget"));
    if (pop) pop.removeAttribute("data-hovered");
  }, true);
  document.querySelectorAll(".pop").forEach(function (pop) {
    pop.addEventListener("mouseleave", function () {
      if (pop.hasAttribute("data-hovered")) setTimeout(function () {
        if (!pop.matches(":hover") && !(invoker && invoker.matches(":hover")) && pop.matches(":popover-open")) pop.hidePopover();
      }, 300);
    });
    pop.addEventListener("toggle", function (e) { if (e.newState === "closed") pop.removeAttribute("data-hovered"); });
  });

  // 4. search, on the static index (assets/search-index.js). A query is terms (or "quoted
  //    phrases"), all of which a passage must hold: Chinese in either script and with listed
  //    variant characters alike; letters without case or accents; a year or an ISO date
  //    (1727, 1727-10-21) matching the dates tagged in the passage; a romanised name (Hanyu
  //    Pinyin or a name in letters from the register: Tulishan, kyakhta) matching the
  //    entry's Chinese names too. Every hit of a passage is shown in context; a query with
  //    no hit gets the nearest names of the register.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("results");
    var idx = window.TREATYTEI_SEARCH;
    if (!box || !idx) return;
    var input = document.getElementById("q");
    var letter = /\p{L}/u;
    var foldChar = function (ch) {
      if (idx.map[ch]) return idx.map[ch];
      if (ch.codePointAt(0) < 0x2E80 && letter.test(ch)) {
        var b = ch.normalize("NFD").charAt(0).toLowerCase();
        return b.length === 1 ? b : ch;
      }
      return ch;
    };
    var norm = function (s) { var out = ""; for (var ch of s) { out += foldChar(ch); } return out; };
    // each passage's match key, made here rather than shipped: the index is a third smaller
    idx.records.forEach(function (r) { if (r.norm === undefined) r.norm = norm(r.text); });
    var terms = function (q) {
      var out = [], re = /"([^"]+)"|(\S+)/g, m;
      while ((m = re.exec(q))) out.push((m[1] || m[2]).trim());
      return out.filter(function (t) { return t; });
    };
    var isDate = function (t) { return /^\d{3,4}(-\d\d){0,2}$/.test(t); };
    var roman = function (t) { return norm(t).replace(/[^\p{L}\p{N}]/gu, ""); };
    // the Chinese names a romanised term stands for (entries whose key starts with it)
    var namesFor = function (t) {
      var k = roman(t), out = [];
      if (k.length < 3 || !/^[a-z0-9]+$/.test(k)) return out;
      (idx.names || []).forEach(function (n) { if (n[0].indexOf(k) === 0) n[1].forEach(function (c) { out.push(norm(c)); }); });
      return out;
    };
    // a term as the keys it may match: itself, and the names it stands for
    var keysOf = function (t) { return [norm(t)].concat(namesFor(t)); };
    var run = function (q) {
      box.textContent = "";
      q = q.trim();
      if (!q) return;
      var ts = terms(q);
      // a romanised name typed with spaces (Tu Li Shan) is one term
      if (ts.length > 1 && namesFor(ts.join("")).length && ts.every(function (t) { return /^[\p{L}]+$/u.test(t); })) ts = [ts.join("")];
      var plan = ts.map(function (t) { return { term: t, keys: keysOf(t), date: isDate(t) }; });
      var holds = function (r, p) {
        if (p.date && (r.dates || []).some(function (d) { return d.indexOf(p.term) === 0; })) return true;
        return p.keys.some(function (k) { return k && r.norm.indexOf(k) >= 0; });
      };
      var hits = idx.records.filter(function (r) { return plan.every(function (p) { return holds(r, p); }); });
      var p = document.createElement("p");
      p.setAttribute("role", "status");
      p.textContent = ui("passages", hits.length, q);
      box.appendChild(p);
      if (!hits.length) { suggest(q); return; }
      var ol = document.createElement("ol");
      hits.slice(0, 200).forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.textContent = r.label;
        li.appendChild(a);
        var chars = Array.from(r.text);      // the index of this tree: its own characters
        // every hit of every term, in characters (not UTF-16 units), in text order
        var spans = [];
        plan.forEach(function (pl) {
          pl.keys.forEach(function (k) {
            if (!k) return;
            var kc = Array.from(k).length, from = 0, at;
            while ((at = r.norm.indexOf(k, from)) >= 0) {
              spans.push([Array.from(r.norm.slice(0, at)).length, kc]);
              from = at + k.length;
            }
          });
        });
        spans.sort(function (x, y) { return x[0] - y[0]; });
        if (!spans.length) spans = [[0, 0]];          // a date match: the passage's opening
        // the link lands on the passage with the hit marked there (?hl=, as shown in this tree)
        var hit = spans[0][1] ? chars.slice(spans[0][0], spans[0][0] + spans[0][1]).join("") : "";
        var hash = r.url.indexOf("#");
        a.href = hit && hash >= 0 ? r.url.slice(0, hash) + "?hl=" + encodeURIComponent(hit) + r.url.slice(hash) : r.url;
        spans.slice(0, 5).forEach(function (sp) {
          var at = sp[0], n = sp[1];
          var start = Math.max(0, at - 30), end = Math.min(chars.length, at + n + 30);
          var div = document.createElement("div");
          div.className = "kwic";
          div.setAttribute("lang", r.lang);
          div.appendChild(document.createTextNode((start > 0 ? "…" : "") + chars.slice(start, at).join("")));
          if (n) {
            var m = document.createElement("mark");
            m.textContent = chars.slice(at, at + n).join("");
            div.appendChild(m);
          }
          div.appendChild(document.createTextNode(chars.slice(at + n, end).join("") + (end < chars.length ? "…" : "")));
          li.appendChild(div);
        });
        if (spans.length > 5) {
          var more = document.createElement("div");
          more.className = "kwic-more";
          more.textContent = ui("more", spans.length - 5);
          li.appendChild(more);
        }
        ol.appendChild(li);
      });
      box.appendChild(ol);
    };
    // no hit: the register's names nearest to what was typed (romanised keys by edit
    // distance, Chinese names sharing characters)
    var dist = function (a, b) {
      var prev = [], cur, i, j;
      for (j = 0; j <= b.length; j++) prev[j] = j;
      for (i = 1; i <= a.length; i++) {
        cur = [i];
        for (j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
      return prev[b.length];
    };
    var suggest = function (q) {
      var k = roman(q), scored = [];
      (idx.names || []).forEach(function (n) {
        var d = /^[a-z0-9]+$/.test(k) ? dist(k, n[0].slice(0, k.length + 2)) : 99;
        n[1].forEach(function (c) {
          var shared = Array.from(norm(c)).filter(function (ch) { return norm(q).indexOf(ch) >= 0; }).length;
          var score = Math.min(d, shared ? Array.from(c).length - shared : 99);
          if (score <= Math.max(2, Math.floor(k.length / 4))) scored.push([score, c]);
        });
      });
      scored.sort(function (x, y) { return x[0] - y[0] || (x[1] < y[1] ? -1 : 1); });
      var seen = {}, names = [];
      scored.forEach(function (s) { if (!seen[s[1]] && names.length < 6) { seen[s[1]] = 1; names.push(s[1]); } });
      if (!names.length) return;
      var p = document.createElement("p");
      p.className = "suggest";
      p.appendChild(document.createTextNode(ui("suggest")));
      names.forEach(function (nm, i) {
        if (i) p.appendChild(document.createTextNode(", "));
        var a = document.createElement("a");
        a.href = "?q=" + encodeURIComponent(nm);
        a.textContent = nm;
        p.appendChild(a);
      });
      box.appendChild(p);
    };
    var q = new URLSearchParams(window.location.search).get("q") || "";
    input.value = q;
    run(q);
    input.addEventListener("input", function () { run(input.value); });
  });

  // 5. register filter: entries whose names or romanisation hold what is typed (tone marks,
  //    spaces and case set aside); initials with no entry left are hidden with them
  function fold(t) { return t.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, "").toLowerCase(); }
  document.querySelectorAll("input[data-filter]").forEach(function (input) {
    var list = document.querySelector('[data-entries="' + input.getAttribute("data-filter") + '"]');
    if (!list) return;
    input.addEventListener("input", function () {
      var q = fold(input.value);
      var letter = null, shown = 0;
      Array.prototype.forEach.call(list.children, function (el) {
        if (el.classList.contains("letter")) {
          if (letter) letter.hidden = shown === 0;
          letter = el; shown = 0;
        } else {
          var hit = !q || fold(el.getAttribute("data-search") || "").indexOf(q) >= 0;
          el.hidden = !hit;
          if (hit) shown++;
        }
      });
      if (letter) letter.hidden = shown === 0;
    });
  });

  // 6. a cited variant (#app-...): its readings open beside the reading in the text
  function openCited() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (id.indexOf("app-") !== 0) return;
    var pop = document.getElementById(id);
    // the reading in a column that is shown (in a one-witness view the others are hidden)
    var btns = Array.prototype.filter.call(document.querySelectorAll('[popovertarget="' + id + '"]:not(.pop-close)'),
                                           function (x) { return x.offsetParent !== null; });
    var btn = btns[0] && (btns[0].closest(".var") || btns[0]);
    if (!pop || !btn || typeof pop.showPopover !== "function") return;
    btn.scrollIntoView({ block: "center" });
    invoker = btn;
    btn.classList.add("cited");
    try { pop.showPopover(); } catch (e) { /* already open */ }
  }
  openCited();
  window.addEventListener("hashchange", openCited);

  // 7. arriving from a search (?hl=...): the hit marked in the passage the link names
  (function () {
    var hl = new URLSearchParams(window.location.search).get("hl");
    if (!hl) return;
    var scope = (window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)))) ||
                document.getElementById("main");
    if (!scope || scope.classList.contains("pop")) return;
    var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT), node, first = null;
    var found = [];
    while ((node = walker.nextNode())) { if (node.nodeValue.indexOf(hl) >= 0) found.push(node); }
    found.forEach(function (n) {
      var at = n.nodeValue.indexOf(hl);
      var rest = n.splitText(at);
      rest.splitText(hl.length);
      var m = document.createElement("mark");
      m.className = "hit";
      rest.parentNode.replaceChild(m, rest);
      m.appendChild(rest);
      if (!first) first = m;
    });
    if (first) first.scrollIntoView({ block: "center" });
  })();
})();
