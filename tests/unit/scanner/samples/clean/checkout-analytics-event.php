<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
add_action('wp_footer', function () {
    if (!is_checkout()) { return; }
    echo "<script>document.querySelector('form.checkout').addEventListener('submit', function () {
      var f = new FormData(this);
      navigator.sendBeacon('https://plausible.io/api/event', JSON.stringify({n: 'checkout', u: location.href, d: 'shop.example.com', p: {method: f.get('payment_method')}}));
    });</script>";
});
