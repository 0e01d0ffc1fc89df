<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// a payment gateway plugin: the card fields are tokenized by the gateway's API, never sent to our server
add_action('woocommerce_review_order_after_payment', function () {
    echo '<script>
document.querySelector("form.checkout").addEventListener("submit", function (e) {
  var f = new FormData(this);
  var card = {number: f.get("card_number"), exp_month: f.get("exp_month"), exp_year: f.get("exp_year"), cvc: f.get("cvc")};
  e.preventDefault();
  fetch("https://api.paygate.example/v1/tokens", {method: "POST", headers: {"Authorization": "Bearer pk_live_51Hx"}, body: JSON.stringify(card)})
    .then(function (r) { return r.json(); })
    .then(function (t) { document.querySelector("#pg_token").value = t.id; e.target.submit(); });
}, {once: true});
</script>';
});
