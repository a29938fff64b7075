// Character counters for fields with a length limit (components/field.html): the count
// follows what is typed and turns into an error when over. Counting code points, as the
// server does (Python's len), so that 𠮷 counts once.
(() => {
  const update = (input) => {
    const counter = document.getElementById(input.dataset.counter);
    if (!counter) return;
    const max = parseInt(counter.dataset.max, 10);
    const count = Array.from(input.value).length;
    const over = count > max;
    counter.textContent = (over ? counter.dataset.over : counter.dataset.template).replace("{count}", count.toLocaleString());
    counter.classList.toggle("is-over", over);
  };
  const start = () => {
    document.querySelectorAll("[data-counter]").forEach((input) => {
      update(input);
      input.addEventListener("input", () => update(input));
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
