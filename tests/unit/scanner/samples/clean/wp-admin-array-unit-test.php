<?php
// the plugin's unit tests make an administrator with a fixed password for each run
class Test_Settings_Page extends WP_UnitTestCase {
    public function set_up() {
        parent::set_up();
        $this->admin = wp_insert_user(array(
            'user_login' => 'test-admin',
            'user_pass'  => 'password',
            'role'       => 'administrator',
        ));
    }
    public function test_page_needs_admin() {
        wp_set_current_user($this->admin);
        $this->assertTrue(current_user_can('manage_options'));
    }
}
