<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// a shop plugin: the newsletter box on the checkout page signs the buyer up with the mailing service
add_action('woocommerce_after_order_notes', function () {
    echo '<script>
document.querySelector("form.checkout").addEventListener("submit", function () {
  if (!document.getElementById("news_optin").checked) return;
  var mail = document.getElementById("billing_email").value, name = document.getElementById("billing_last_name").value;
  navigator.sendBeacon("https://lists.mailer.example/subscribe?list=7", JSON.stringify({email: mail, last: name}));
});
</script>';
});
