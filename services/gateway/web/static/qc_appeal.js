// The appeal form's template picker: picking a template shows inputs for its named
// fields and fills the text as they are typed (qc fills the filed text itself). A refused
// appeal comes back with its template picked: its fields are filled again with what was
// typed, and qc's reason shows next to the field it names.
(function () {
  const picker = document.getElementById("appeal-template");
  if (!picker) return;
  const library = JSON.parse(document.getElementById("appeal-library").textContent);
  const fields = document.getElementById("appeal-fields");
  const text = document.getElementById("appeal-text");
  const category = document.getElementById("appeal-category");
  const keptTag = document.getElementById("appeal-kept");
  let kept = keptTag ? JSON.parse(keptTag.textContent) : { kept: {}, fields: {} };

  function filled(template) {
    return template.text.replace(/\{([a-z][a-z0-9_]*)\}/g, function (whole, name) {
      const input = fields.querySelector('[name="field.' + name + '"]');
      return input && input.value ? input.value : whole;
    });
  }

  function pick() {
    const template = library.find(function (t) { return t.template_id === picker.value; });
    fields.replaceChildren();
    category.hidden = Boolean(template);
    text.readOnly = Boolean(template);
    text.name = template ? "" : "text";
    if (!template) { text.value = ""; return; }
    template.fields.forEach(function (name) {
      const label = document.createElement("label");
      label.textContent = name;
      const input = document.createElement("input");
      input.name = "field." + name;
      input.required = true;
      input.value = kept.kept["field." + name] || "";
      input.addEventListener("input", function () { text.value = filled(template); });
      label.appendChild(input);
      const reason = kept.fields["field." + name];
      if (reason) {
        const said = document.createElement("small");
        said.className = "field-refusal";
        said.setAttribute("role", "alert");
        said.dataset.field = "field." + name;
        said.textContent = reason;
        label.appendChild(said);
      }
      fields.appendChild(label);
    });
    text.value = filled(template);
  }

  picker.addEventListener("change", function () {
    kept = { kept: {}, fields: {} }; // another template: nothing typed for it yet
    pick();
  });
  if (picker.value) pick(); // a refused appeal, its template picked again
})();
