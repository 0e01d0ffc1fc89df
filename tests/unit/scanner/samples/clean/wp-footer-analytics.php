<?php
/*
Plugin Name: Simple Analytics Tag
Description: prints the site's analytics snippet in the footer (readable, configured)
*/
add_action('wp_footer', function () {
    $id = esc_js(get_option('simple_analytics_id', ''));
    if ($id === '') {
        return;
    }
    ?>
    <script>
    (function (w, d) {
        var s = d.createElement('script');
        s.async = true;
        s.src = 'https://analytics.example.com/tag.js?id=<?php echo $id; ?>';
        d.head.appendChild(s);
        w._0x = w._0x || [];
    })(window, document);
    </script>
    <?php
});
