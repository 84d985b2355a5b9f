(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];
  var viewer = null, current = null;

  function option(sel, value, text) { var o = document.createElement("option"); o.value = value; o.textContent = text || value; sel.appendChild(o); }
  function text(el, t) { el.textContent = t; }
  function setError(msg) { text($("error"), msg ? "error: " + msg : ""); }

  var motifs = ["X", "L", "Z"];   // replaced by the server's motif table as soon as the options arrive
  fetch("/api/options").then(function (r) { return r.json(); }).then(function (o) {
    motifs = o.motifs;
    o.materials.forEach(function (m) { option($("material"), m); });
    $("material").value = "PbS";
    o.shapes.forEach(function (s) { option($("shape"), s); });
    o.terminations.forEach(function (t) { option($("termination"), t); });
    $("diameter").max = o.limits.diameter_nm;
  });

  function addEntry(ligand, motif, role) {
    var row = document.createElement("div"); row.className = "row";
    var lig = document.createElement("input"); lig.value = ligand || ""; lig.className = "e-ligand";
    var mot = document.createElement("select"); mot.className = "e-motif";
    [""].concat(motifs).forEach(function (m) { option(mot, m, m || "auto"); });
    mot.value = motif || "";
    var rol = document.createElement("select"); rol.className = "e-role";
    ["", "neutralize", "coverage"].forEach(function (r) { option(rol, r, r || "auto"); }); rol.value = role || "";
    var cov = document.createElement("input"); cov.className = "e-coverage"; cov.placeholder = "auto";
    var fac = document.createElement("input"); fac.className = "e-facets"; fac.placeholder = "all";
    var del = document.createElement("button"); del.type = "button"; del.textContent = "×";
    del.onclick = function () { row.remove(); };
    [lig, mot, rol, cov, fac, del].forEach(function (e) { row.appendChild(e); });
    $("entries").appendChild(row);
  }
  $("add-entry").onclick = function () { addEntry(); };
  $("shell").onchange = function () {
    var custom = $("shell").value === "custom";
    $("entries").hidden = !custom; $("add-entry").hidden = !custom;
    if (custom && !document.querySelector(".e-ligand")) { addEntry("oleic acid", "X", "neutralize"); }
  };

  function spec() {
    var s = { material: $("material").value, diameter_nm: parseFloat($("diameter").value) };
    if ($("shape").value) { s.shape = $("shape").value; }
    if ($("termination").value) { s.termination = $("termination").value; }
    if ($("shell").value === "custom") {
      s.shell = Array.prototype.map.call(document.querySelectorAll("#entries .row"), function (row) {
        var l = row.querySelector(".e-ligand"); if (!l) { return null; }
        var e = { ligand: l.value.trim() };
        var r = row.querySelector(".e-role").value; if (r) { e.role = r; }
        var m = row.querySelector(".e-motif").value; if (m) { e.motif = m; }
        var c = row.querySelector(".e-coverage").value.trim();
        if (c) { e.coverage = isNaN(Number(c)) ? c : Number(c); }
        var f = row.querySelector(".e-facets").value.trim();
        if (f) { e.facets = f.split(/[\s,;]+/).filter(Boolean).map(function (x) { return x[0] === "{" ? x : "{" + x + "}"; }); }
        return e;
      }).filter(function (e) { return e && e.ligand; });
    } else { s.shell = $("shell").value; }
    if ($("eq-on").checked) {
      var ex = [{ kind: "titration", add: $("eq-add").value.trim(), equivalents: $("eq-eqv").value.trim(), observable: "bound:OA" }];
      if ($("eq-dil").checked) { ex.push({ kind: "dilution", dots_M: "1e-4:1e-6:9", observable: "free:OA" }); }
      s.equilibria = { preset: "seed004", experiments: ex };
    }
    return s;
  }

  function show(mode) {
    if (!viewer || !current) { return; }
    var v = current.viewer, cat = v.categories[mode];
    var f = cat ? function (a) { return PALETTE[cat.codes[a.index] % PALETTE.length]; } : null;
    var isLig = function (a) { return v.ligand[a.index] === 1; };
    viewer.setStyle({}, f ? { sphere: { scale: 0.35, colorfunc: f } } : { sphere: { scale: 0.35, colorscheme: "Jmol" } });
    viewer.setStyle({ predicate: isLig }, f ? { stick: { radius: 0.12, colorfunc: f } } : { stick: { radius: 0.12, colorscheme: "Jmol" } });
    viewer.render();
    $("legend").textContent = cat ? cat.names.map(function (n, i) { return n + " (" + PALETTE[i % PALETTE.length] + ")"; }).join(", ") : "element colours: Jmol";
  }
  ["element", "facet", "role", "motif"].forEach(function (m) {
    var b = document.createElement("button"); b.type = "button"; b.textContent = m; b.dataset.mode = m;
    b.onclick = function () { show(m); }; $("modes").appendChild(b);
  });

  function render(jid, res) {
    current = res;
    if (typeof $3Dmol !== "undefined") {
      if (!viewer) { viewer = $3Dmol.createViewer($("viewer"), { backgroundColor: "white" }); }
      viewer.clear(); viewer.addModel(res.viewer.xyz, "xyz"); viewer.zoomTo(); show("element");
    } else { text($("viewer"), "3D viewer not installed (run make)"); }
    var t = "<table><tbody>" + res.summary.map(function (r) {
      return "<tr><th></th><td></td></tr>"; }).join("") + "</tbody></table>";
    $("summary").innerHTML = t;
    Array.prototype.forEach.call($("summary").querySelectorAll("tr"), function (tr, i) {
      text(tr.children[0], res.summary[i][0]); text(tr.children[1], res.summary[i][1]);
    });
    $("census").innerHTML = res.census_html;          // built server-side with every value escaped
    $("composition").innerHTML = res.composition_html;
    $("plots").innerHTML = res.equilibria_html;
    $("downloads").textContent = "";
    ["xyz", "pdb", "extxyz", "json", "html"].forEach(function (f) {
      var a = document.createElement("a"); a.href = "/api/jobs/" + jid + "/download/" + f; a.textContent = f;
      a.setAttribute("download", ""); $("downloads").appendChild(a);
    });
  }

  function poll(jid) {
    fetch("/api/jobs/" + jid).then(function (r) { return r.json(); }).then(function (j) {
      if (j.error && j.state !== "error") { setError(j.error); return; }
      $("progress").value = j.progress || 0; text($("status"), j.stage || j.state);
      if (j.state === "done") { $("progress").hidden = true; $("build").disabled = false; text($("status"), "done"); render(jid, j.result); }
      else if (j.state === "error") { $("progress").hidden = true; $("build").disabled = false; text($("status"), ""); setError(j.error); }
      else { setTimeout(function () { poll(jid); }, 400); }
    }).catch(function (e) { setError(String(e)); $("build").disabled = false; });
  }

  $("form").onsubmit = function (ev) {
    ev.preventDefault(); setError("");
    $("build").disabled = true; $("progress").hidden = false; $("progress").value = 0; text($("status"), "submitted");
    fetch("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(spec()) })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (r) {
        if (!r.ok) { setError(r.body.error); $("build").disabled = false; $("progress").hidden = true; text($("status"), ""); return; }
        poll(r.body.id);
      }).catch(function (e) { setError(String(e)); $("build").disabled = false; });
  };
})();
