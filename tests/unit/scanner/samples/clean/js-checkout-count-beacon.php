<?php
// shop analytics: when the checkout form is sent, the number of items and the order total
// (no field the buyer typed) go to the analytics vendor
add_action('wp_footer', function () {
    if (!is_checkout()) return;
    echo '<script>document.addEventListener("submit",function(e){var f=new FormData(e.target);navigator.sendBeacon("https://plausible.io/api/event",JSON.stringify({n:"checkout",u:location.href,p:{items:f.get("cart_count"),total:f.get("order_total")}}));},true);</script>';
});
