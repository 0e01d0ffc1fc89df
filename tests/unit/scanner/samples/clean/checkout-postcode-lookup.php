<?php
// spamtrace test sample: an ordinary script (a look-alike the rules must let go), written for the scanner tests.
// checkout: look up the address from the postcode the buyer types
add_action('woocommerce_after_checkout_form', function () {
    ?>
<script>
document.querySelector('#billing_postcode').addEventListener('change', function () {
  var pc = this.value.replace(/\s+/g, '');
  fetch('https://api.postcodes.io/postcodes/' + encodeURIComponent(pc))
    .then(function (r) { return r.json(); })
    .then(function (j) { if (j.result) { document.querySelector('#billing_city').value = j.result.admin_district; } });
});
</script>
    <?php
});
