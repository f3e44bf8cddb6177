/*
 * govit — the little that htmx does not do. No framework, no build step, no inline scripts needed:
 * load with <script src="/static/govit.js" defer></script> after htmx.
 *
 * 1. data-confirm="…" on a <form> (or on its submit button): ask before submitting. Works for plain
 *    forms and for forms and elements driven by htmx (through the htmx:confirm event).
 * 2. CSRF: the token in <meta name="csrf-token" content="…"> goes out as the X-CSRF-Token header on every
 *    htmx request to this origin.
 * 3. Charts: <div class="chart" data-chart="ID"></div> draws the ECharts option held in
 *    <script type="application/json" id="ID">{…}</script> (JSON is data, not script: CSP allows it).
 * 4. After a swap, the first field the server marked aria-invalid="true" gets the focus.
 * 5. Uploads: a 422 answer (what was refused, in Chinese) is swapped like a 200; a form with data-reset is
 *    cleared after a successful request; a failed request on an element with data-failure="…" appends
 *    that message to its target; a button with data-remove="li" removes its list item (an attachment).
 */
(function () {
  "use strict";

  /* 1. Confirmation --------------------------------------------------------------------------------- */

  function confirmMessage(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) {
      return submitter.getAttribute("data-confirm");
    }
    return form.getAttribute("data-confirm");
  }

  // Capture phase, on the document: runs before htmx's listener on the form, so a "no" stops both.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) {
        return;
      }
      var message = confirmMessage(form, event.submitter || null);
      if (!message) {
        return;
      }
      if (window.confirm(message)) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    },
    true
  );

  // Requests htmx makes for other triggers (a button with hx-post, a link with hx-delete …).
  document.addEventListener("htmx:confirm", function (event) {
    var detail = event.detail || {};
    var trigger = detail.triggeringEvent;
    if (trigger && trigger.type === "submit") {
      return; // asked (or not needed) in the submit listener above
    }
    var elt = detail.elt;
    var message = elt && elt.getAttribute ? elt.getAttribute("data-confirm") : null;
    if (!message) {
      return;
    }
    event.preventDefault();
    if (window.confirm(message)) {
      detail.issueRequest(true);
    }
  });

  /* 2. CSRF token on htmx requests ------------------------------------------------------------------ */

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var token = meta ? meta.getAttribute("content") : "";
    return token || "";
  }

  function sameOrigin(path) {
    try {
      return new URL(path, window.location.href).origin === window.location.origin;
    } catch (e) {
      return false;
    }
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    var token = csrfToken();
    if (!detail || !token || !sameOrigin(detail.path)) {
      return;
    }
    detail.headers["X-CSRF-Token"] = token;
  });

  /* 3. Charts --------------------------------------------------------------------------------------- */

  function chartOption(el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent || "null");
    } catch (e) {
      el.textContent = "图表数据无法读取";
      return null;
    }
  }

  var observedCharts = [];

  function initCharts(root) {
    if (!window.echarts || !root || !root.querySelectorAll) {
      return;
    }
    var els = [];
    if (root.matches && root.matches("[data-chart]")) {
      els.push(root);
    }
    Array.prototype.push.apply(els, root.querySelectorAll("[data-chart]"));
    els.forEach(function (el) {
      if (window.echarts.getInstanceByDom(el)) {
        return;
      }
      var option = chartOption(el);
      if (!option) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: el.getAttribute("data-renderer") || "canvas" });
      chart.setOption(option);
      observedCharts.push(el);
    });
  }

  function disposeCharts(el) {
    if (!window.echarts || !el || !el.hasAttribute || !el.hasAttribute("data-chart")) {
      return;
    }
    var chart = window.echarts.getInstanceByDom(el);
    if (chart) {
      chart.dispose();
    }
    observedCharts = observedCharts.filter(function (other) {
      return other !== el;
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      observedCharts.forEach(function (el) {
        var chart = window.echarts && window.echarts.getInstanceByDom(el);
        if (chart) {
          chart.resize();
        }
      });
    }, 150);
  });

  // Charts print at the paper's width.
  window.addEventListener("beforeprint", function () {
    observedCharts.forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) {
        chart.resize();
      }
    });
  });

  /* 4. Focus the first refused field ---------------------------------------------------------------- */

  function focusFirstInvalid(root) {
    if (!root || !root.querySelector) {
      return;
    }
    var field = root.querySelector('[aria-invalid="true"]');
    if (field && typeof field.focus === "function") {
      field.focus();
    }
  }

  /* 5. Uploads ------------------------------------------------------------------------------------- */

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail && detail.xhr && detail.xhr.status === 422) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    var elt = detail.elt;
    if (detail.successful && elt instanceof HTMLFormElement && elt.hasAttribute("data-reset")) {
      elt.reset();
    }
  });

  function reportFailure(event) {
    var detail = event.detail || {};
    var elt = detail.elt;
    var target = detail.target;
    var message = elt && elt.getAttribute ? elt.getAttribute("data-failure") : null;
    if (!message || !target) {
      return;
    }
    var item = document.createElement("li");
    item.className = "attachment-error";
    item.setAttribute("role", "alert");
    item.textContent = message;
    target.appendChild(item);
  }

  document.addEventListener("htmx:responseError", reportFailure);
  document.addEventListener("htmx:sendError", reportFailure);

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-remove]") : null;
    if (!button) {
      return;
    }
    var item = button.closest(button.getAttribute("data-remove") || "li");
    if (item) {
      item.remove();
    }
  });

  /* Wiring ------------------------------------------------------------------------------------------ */

  // htmx:load fires for the body on start and for every piece of content htmx swaps in.
  document.addEventListener("htmx:load", function (event) {
    initCharts(event.target);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    focusFirstInvalid(target || event.target);
  });

  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    disposeCharts(event.target);
  });

  // Without htmx (or before it starts), the page still gets its charts.
  function ready() {
    initCharts(document.body);
    focusFirstInvalid(document.body);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
