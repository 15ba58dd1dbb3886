// A background job's page: asks for the job's status every 1.5 s, shows its progress, and
// loads the page again once the job is ready or has failed (the page then offers the file or
// says what went wrong). Without scripts the page refreshes itself (<noscript> meta refresh).
(function () {
  const box = document.querySelector("[data-job-status]");
  if (!box || !["queued", "running"].includes(box.dataset.jobState)) return;
  const text = box.querySelector("[data-job-text]");
  const bar = box.querySelector("[data-job-bar]");
  const ask = () => {
    fetch(box.dataset.jobStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((job) => {
        if (job.status === "done" || job.status === "failed") {
          window.location.reload();
          return;
        }
        if (text.textContent !== job.text) text.textContent = job.text;
        if (bar && job.total) {
          bar.max = job.total;
          bar.value = job.done;
        }
        window.setTimeout(ask, 1500);
      })
      .catch(() => window.setTimeout(ask, 5000));
  };
  window.setTimeout(ask, 1000);
})();
