<?php
// A theme's footer: a hidden skip link for screen readers (to the page's own content) and
// the visible links of the site's partners.
add_action('wp_footer', function () {
    echo '<a class="skip" style="position:absolute;left:-9999px" href="#content">Skip to content</a>';
    echo '<p class="partners"><a href="https://www.example.org/">Our partner</a></p>';
});
