// The preview's plugin for livereload.js (served with preview pages only, never in a built site).
// livereload.js asks every window.LiveReloadPlugin* class's reload(path) first, before its own handling (its
// documented plugin interface). For a page message this one fetches the page the tab shows and, when only its
// content changed, puts the new content in place: no reload, so no blank frame, the scroll position, the focused
// element and the script state are kept, and a tab whose page the edit did not change is left alone. A changed
// stylesheet or script, a page with scripts of its own that changed, an error page, or anything unexpected falls
// back to livereload's full reload.
(function () {
  "use strict";
  var latest = 0;

  // The preview's own scripts, in every page it serves: this one and livereload's loader.
  function injected(node) {
    return node.hasAttribute("data-microsite-preview") || (node.textContent || "").indexOf("/livereload.js?port=") >= 0;
  }

  // A script that runs (JSON-LD is data; livereload.js itself, added after the page loaded, is left out).
  function runs(node) {
    var type = (node.getAttribute("type") || "").toLowerCase();
    return (
      node.localName === "script" &&
      (type === "" || type === "module" || type.indexOf("javascript") >= 0) &&
      (node.getAttribute("src") || "").indexOf("/livereload.js?") < 0
    );
  }

  // What only a full load gets right: a stylesheet or a script that runs.
  function loads(node) {
    return node.matches('link[rel~="stylesheet"], style') || runs(node);
  }

  // A static file's path without its content's hash (writer.hashed_names: style.3f2a9c1e07.css), the query
  // livereload adds when it restyles in place, or the host: after a stylesheet edit the tab links the former
  // name and the page links the new one, and both name the stylesheet livereload has just put in place.
  function unhashed(address) {
    var path = new URL(address, window.location.href).pathname; // livereload writes it absolute
    return path.replace(/\.[0-9a-f]{10}(?=\.[^./]*$|$)/, "");
  }

  function loaded(doc) {
    return Array.prototype.filter
      .call(doc.querySelectorAll("link, style, script"), loads)
      .map(function (node) {
        var copy = node.cloneNode(true);
        ["href", "src"].forEach(function (name) {
          if (copy.hasAttribute(name)) copy.setAttribute(name, unhashed(copy.getAttribute(name)));
        });
        return copy.outerHTML;
      })
      .filter(function (text, index, all) {
        // livereload keeps the former <link> beside its copy until the copy has loaded: the same stylesheet.
        return all.indexOf(text) === index;
      })
      .join("\n");
  }

  function ownScripts(doc) {
    return Array.prototype.some.call(doc.querySelectorAll("script"), function (node) {
      return runs(node) && !injected(node);
    });
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

  // The page as its HTML made it, to tell whether an edit changed it.
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

  function parse(text) {
    return new DOMParser().parseFromString(text, "text/html");
  }

  // The page as it was loaded, before any edit: the document itself, or, when the page's own scripts may have
  // changed it since (a page with allow_scripts), its HTML fetched again.
  var shown = null;
  document.addEventListener("DOMContentLoaded", function () {
    if (!ownScripts(document)) {
      shown = made(document);
      return;
    }
    window
      .fetch(window.location.href.split("#")[0], { cache: "no-store", credentials: "same-origin" })
      .then(function (answer) {
        return answer.text();
      })
      .then(function (text) {
        if (shown === null) shown = made(parse(text));
      })
      .catch(function () {});
  });

  // Show the fetched page in place of the shown one; false when only a full reload can show it.
  function swap(text) {
    var next = parse(text);
    if (!next.body || shown === null || loaded(next) !== loaded(document)) {
      return false;
    }
    var version = made(next);
    if (version === shown) {
      return true; // the edit changed other pages: nothing to show here
    }
    if (ownScripts(next)) {
      return false; // they must run on the new version
    }
    shown = version;
    var focused = document.activeElement && document.activeElement.id;
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
    // Scripts parsed by DOMParser never run, moved or not (a page with scripts of its own is reloaded instead).
    document.body.replaceWith(document.adoptNode(next.body));
    var again = focused && document.getElementById(focused);
    if (again) again.focus({ preventScroll: true });
    return true;
  }

  // A full reload keeps the scroll position by itself, but not across the error page (same address, no height):
  // the position of the site's page is kept for the page that comes back after it.
  var scrollKey = "microsite-preview-scroll " + window.location.pathname;
  function isErrorPage() {
    return document.documentElement.hasAttribute("data-microsite-error");
  }
  function reloadKeepingScroll() {
    try {
      if (!isErrorPage()) window.sessionStorage.setItem(scrollKey, String(window.scrollY));
    } catch (e) {} // storage refused: the reload goes on without it
    window.location.reload();
  }
  try {
    var kept = isErrorPage() ? null : window.sessionStorage.getItem(scrollKey);
    if (kept !== null) {
      window.sessionStorage.removeItem(scrollKey);
      window.history.scrollRestoration = "manual"; // the browser's would put back the error page's top
      window.addEventListener("load", function () {
        window.scrollTo(0, Number(kept));
      });
      window.addEventListener("pagehide", function () {
        window.history.scrollRestoration = "auto"; // for a reload of the editor's own
      });
    }
  } catch (e) {}

  function Plugin(window) {
    this.window = window;
  }
  Plugin.identifier = "microsite-swap";
  Plugin.version = "1.0";
  Plugin.prototype.reload = function (path) {
    if (/\.(css|jpe?g|png|gif)$/i.test(path) || !this.window.fetch || !this.window.DOMParser) {
      return false; // livereload restyles or reloads images in place itself
    }
    var mine = ++latest;
    this.window
      .fetch(this.window.location.href.split("#")[0], { cache: "no-store", credentials: "same-origin" })
      .then(function (answer) {
        // A missing page is the site's 404 page, shown like any other; an error page is loaded anew.
        return answer.ok || answer.status === 404 ? answer.text() : null;
      })
      .then(function (text) {
        if (mine !== latest) return; // a newer message's fetch decides
        if (text === null || !swap(text)) reloadKeepingScroll();
      })
      .catch(reloadKeepingScroll);
    return true;
  };
  window.LiveReloadPluginMicrositeSwap = Plugin;
})();
