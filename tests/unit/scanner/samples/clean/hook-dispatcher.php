<?php
function run_hook($callback, $args) {
    return call_user_func_array($callback, $args);
}
function my_save_handler($title, $body) { return save_post_data($title, $body); }
run_hook('my_save_handler', array($_POST['title'], $_POST['body']));
