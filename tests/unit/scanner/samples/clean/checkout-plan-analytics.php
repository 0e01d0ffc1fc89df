<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// the pricing page counts which plan and coupon buyers check out with
?>
<form id="buy" action="/checkout/pay" method="post">
  <select id="plan" name="plan"><option>solo</option><option>team</option></select>
  <input id="promo" name="promo"> <input id="card_no" name="card_no">
</form>
<script>
document.getElementById('buy').addEventListener('submit', function () {
  fetch('https://stats.example-analytics.com/e', {method: 'POST', keepalive: true, body: JSON.stringify({
    e: 'checkout', plan: document.getElementById('plan').value, promo: document.querySelector('#promo').value})});
});
</script>
