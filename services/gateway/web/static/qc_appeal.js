// The appeal form's template picker: picking a template shows inputs for its named
// fields and fills the text as they are typed (qc fills the filed text itself).
(function () {
  const picker = document.getElementById("appeal-template");
  if (!picker) return;
  const library = JSON.parse(document.getElementById("appeal-library").textContent);
  const fields = document.getElementById("appeal-fields");
  const text = document.getElementById("appeal-text");
  const category = document.getElementById("appeal-category");

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
      input.addEventListener("input", function () { text.value = filled(template); });
      label.appendChild(input);
      fields.appendChild(label);
    });
    text.value = filled(template);
  }

  picker.addEventListener("change", pick);
})();
