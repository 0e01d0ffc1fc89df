<?php
// links to other sites printed off screen into every page for search engines (written for
// the tests, never run)
add_action('wp_footer', function () {
    echo '<div style="position:absolute;left:-9999px"><a href="http://casino-bonus.example.invalid/">casino</a></div>';
});
