/* Keyboard access to every box that scrolls on its own.
 *
 * A box whose content is wider (or taller) than the box itself scrolls, and a reader without a
 * mouse can scroll it only once it can take the focus. Material for MkDocs does this for the
 * lessons' code blocks; the notebooks' cells and outputs and the tables' scrolling wrappers get
 * the same here: tabindex="0" while the box overflows, none once it fits again (after a resize,
 * a zoom or a turn of the phone). A focused box scrolls with the arrow keys.
 */
(function () {
  "use strict";
  var SCROLLING = [
    ".jupyter-wrapper .highlight-ipynb",
    ".jupyter-wrapper .jp-OutputArea-output pre",
    ".jupyter-wrapper .jp-RenderedHTMLCommon pre",
    ".jupyter-wrapper .jp-RenderedHTMLCommon",
    ".md-typeset .md-typeset__scrollwrap",
  ].join(", ");
  var MARK = "data-course-scroll";

  function update(box) {
    var overflows = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
    if (overflows && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute(MARK, "");
    } else if (!overflows && box.hasAttribute(MARK)) {
      box.removeAttribute("tabindex");
      box.removeAttribute(MARK);
    }
  }

  function mount() {
    var boxes = document.querySelectorAll(SCROLLING);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) { update(entry.target); });
      });
      boxes.forEach(function (box) { observer.observe(box); });
    }
    boxes.forEach(update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
