// Triage questionnaire: a filter for long technology lists, and a print button on the result.
// Everything here is an aid: the questionnaire and the result work without JavaScript.
(function () {
  "use strict";

  function applyFilter(input) {
    var tree = document.getElementById(input.dataset.treeFilter);
    if (!tree) { return; }
    var query = input.value.trim().toLowerCase();
    var nodes = Array.prototype.slice.call(tree.querySelectorAll("li.tree-node"));
    var shown = 0;
    nodes.forEach(function (node) {
      var own = node.dataset.label.indexOf(query) !== -1;
      var below = Array.prototype.some.call(node.querySelectorAll("li.tree-node"), function (child) {
        return child.dataset.label.indexOf(query) !== -1;
      });
      var parent = node.parentElement.closest("li.tree-node");
      var above = false;
      while (parent) {
        if (parent.dataset.label.indexOf(query) !== -1) { above = true; break; }
        parent = parent.parentElement.closest("li.tree-node");
      }
      var visible = !query || own || below || above;
      node.hidden = !visible;
      if (visible) { shown += 1; }
    });
    var empty = tree.parentElement.querySelector(".tree-empty");
    if (empty) { empty.hidden = shown !== 0; }
  }

  function enhance(root) {
    root.querySelectorAll(".tree-filter[hidden]").forEach(function (box) { box.hidden = false; });
    root.querySelectorAll("[data-tree-filter]").forEach(function (input) {
      if (input.value) { applyFilter(input); }
    });
    root.querySelectorAll("[data-print][hidden]").forEach(function (button) { button.hidden = false; });
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-tree-filter]")) { applyFilter(event.target); }
  });
  // Typing in a filter is not an answer: keep its change event away from the autosaving form.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-tree-filter]")) { event.stopPropagation(); }
  }, true);
  // Enter in a filter box narrows the list; it must not submit the questionnaire.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-tree-filter]")) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.matches && event.target.matches("[data-print]")) { window.print(); }
  });
  // The result folds legal text and answers away; a printout carries everything.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  // Text typed while an earlier answer was being saved is not in the page the server sends
  // back: carry it over, so the swap never loses what the person is typing.
  var typing = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    typing = {};
    event.detail.target.querySelectorAll("input[type=text], input[type=date]").forEach(function (input) {
      if (input.id && input.value !== input.defaultValue) { typing[input.id] = input.value; }
    });
  });
  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(typing).forEach(function (id) {
      var input = document.getElementById(id);
      if (input) { input.value = typing[id]; }
    });
    typing = {};
  });
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function () { enhance(document); });
}());
