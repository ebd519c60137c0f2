// The editor's Simulate form: picking a saved test case shows its input, ready to change.
const select = document.getElementById("simulate-test-case");
const input = document.getElementById("simulate-input");
if (select && input) {
  const fill = () => {
    const option = select.selectedOptions[0];
    const text = option?.dataset.input;
    if (text == null) return;
    try { input.value = JSON.stringify(JSON.parse(text), null, 2); } catch { input.value = text; }
  };
  select.addEventListener("change", fill);
  if (select.options.length > 1 && !input.value) { select.selectedIndex = 1; fill(); }
}
