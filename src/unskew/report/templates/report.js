(function () {
  "use strict";
  // Sort a table by a clicked header: numbers by their data-value (or text), text otherwise.
  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) { return ""; }
    var raw = cell.getAttribute("data-value");
    if (raw === null) { raw = cell.textContent.trim(); }
    var number = parseFloat(raw.replace(/,/g, ""));
    return isNaN(number) || !/^[-+0-9.,eE]+/.test(raw) ? raw.toLowerCase() : number;
  }
  function compare(a, b) {
    var an = typeof a === "number", bn = typeof b === "number";
    if (an && bn) { return a - b; }
    if (an !== bn) { return an ? -1 : 1; }  // numbers before blanks and dashes
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function sortBy(table, header) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var index = Array.prototype.indexOf.call(header.parentNode.children, header);
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var order = compare(cellValue(r1, index), cellValue(r2, index));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(header.parentNode.children, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var head = table.tHead;
    if (!head || head.rows.length !== 1) { return; }
    Array.prototype.forEach.call(head.rows[0].cells, function (th) {
      if (th.classList.contains("nosort")) { return; }
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, th); });
      th.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, th); }
      });
    });
  });
  // Fold the leaderboard's extra metric columns away until the reader asks for them (without
  // the script every column shows and the table scrolls inside its frame).
  var toggles = document.querySelectorAll("button.more-toggle");
  Array.prototype.forEach.call(toggles, function (button) {
    var table = document.getElementById(button.getAttribute("data-table"));
    if (!table) { return; }
    table.classList.add("collapsed");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = !table.classList.toggle("collapsed");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = button.getAttribute(open ? "data-less" : "data-more");
    });
  });
})();
