// The preview's plugin for livereload.js (served with preview pages only, never in a built site).
// livereload.js asks every window.LiveReloadPlugin* class's reload(path) first, before its own handling (its
// documented plugin interface). For a page message this one fetches the page the tab shows and, when only its
// content changed, puts the new content in place: no reload, so no blank frame, the scroll position, focus and
// script state are kept, and a tab whose page the edit did not change is left alone. A changed stylesheet or
// script, an error page, or anything unexpected falls back to livereload's full reload.
(function () {
  "use strict";
  var latest = 0;

  // What only a full load gets right: a stylesheet or a script that runs (JSON-LD is data, and livereload's
  // own script, added after the page loaded, is left out).
  function loads(node) {
    var type = (node.getAttribute("type") || "").toLowerCase();
    return (
      node.matches('link[rel~="stylesheet"], style') ||
      (node.localName === "script" &&
        (type === "" || type === "module" || type.indexOf("javascript") >= 0) &&
        (node.getAttribute("src") || "").indexOf("/livereload.js?") < 0)
    );
  }

  function loaded(doc) {
    return Array.prototype.filter
      .call(doc.querySelectorAll("link, style, script"), loads)
      .map(function (node) {
        return node.outerHTML;
      })
      .join("\n");
  }

  function attributes(element) {
    return Array.prototype.map
      .call(element.attributes, function (a) {
        return a.name + "=" + a.value;
      })
      .join(" ");
  }

  // The rest of the head (title, description, alternates, JSON-LD), replaced by a swap; what loads stays.
  function rest(node) {
    return !loads(node) && (node.getAttribute("src") || "").indexOf("/livereload.js?") < 0;
  }

  // The page as its HTML made it, to tell whether an edit changed it (what scripts added since is left out).
  function made(doc) {
    return [
      attributes(doc.documentElement),
      Array.prototype.filter
        .call(doc.head.children, rest)
        .map(function (n) {
          return n.outerHTML;
        })
        .join(""),
      doc.body.outerHTML,
    ].join("\n");
  }

  var shown = null;
  document.addEventListener("DOMContentLoaded", function () {
    shown = made(document);
  });

  // Put the fetched page in place of the shown one; false when only a full reload can show it.
  function swap(text) {
    var next = new DOMParser().parseFromString(text, "text/html");
    if (!next.body || shown === null || loaded(next) !== loaded(document)) {
      return false;
    }
    var version = made(next);
    if (version === shown) {
      return true; // the edit changed other pages: nothing to show here
    }
    shown = version;
    Array.prototype.forEach.call(document.documentElement.attributes, function (a) {
      if (!next.documentElement.hasAttribute(a.name)) document.documentElement.removeAttribute(a.name);
    });
    Array.prototype.forEach.call(next.documentElement.attributes, function (a) {
      document.documentElement.setAttribute(a.name, a.value);
    });
    Array.prototype.filter.call(document.head.children, rest).forEach(function (n) {
      n.remove();
    });
    Array.prototype.filter.call(next.head.children, rest).forEach(function (n) {
      document.head.appendChild(document.adoptNode(n));
    });
    // Scripts parsed by DOMParser never run, moved or not; the site's pages work without scripts anyway.
    document.body.replaceWith(document.adoptNode(next.body));
    return true;
  }

  function Plugin(window) {
    this.window = window;
  }
  Plugin.identifier = "microsite-swap";
  Plugin.version = "1.0";
  Plugin.prototype.reload = function (path) {
    if (/\.(css|jpe?g|png|gif)$/i.test(path) || !this.window.fetch || !this.window.DOMParser) {
      return false; // livereload restyles or reloads images in place itself
    }
    var location = this.window.location;
    var mine = ++latest;
    this.window
      .fetch(location.href.split("#")[0], { cache: "no-store", credentials: "same-origin" })
      .then(function (answer) {
        return answer.ok ? answer.text() : null;
      })
      .then(function (text) {
        if (mine !== latest) return; // a newer message's fetch decides
        if (text === null || !swap(text)) location.reload();
      })
      .catch(function () {
        location.reload();
      });
    return true;
  };
  window.LiveReloadPluginMicrositeSwap = Plugin;
})();
