// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  // Sign-up: the enterprise questions only matter when registering an enterprise.
  const enterprise = document.getElementById("enterprise-fields");
  if (enterprise) {
    const radios = document.querySelectorAll("input[name=account_type]");
    const sync = () => {
      const chosen = document.querySelector("input[name=account_type]:checked");
      enterprise.hidden = !chosen || chosen.value !== "enterprise";
    };
    radios.forEach((radio) => radio.addEventListener("change", sync));
    sync();
  }
  // Directories: ticking a filter applies it.
  document.querySelectorAll("form[data-autosubmit-form]").forEach((form) => {
    form.querySelectorAll("input[type=checkbox]").forEach((box) => {
      box.addEventListener("change", () => form.requestSubmit());
    });
  });
  document.querySelectorAll(".js-hide").forEach((el) => { el.hidden = true; });
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.copy);
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
    });
  });
});
