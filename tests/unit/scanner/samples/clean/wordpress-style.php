<?php
/**
 * WordPress-style plugin code that legitimately uses base64, callbacks, uploads and requests.
 */
function example_get_state() {
    $raw = get_option( 'example_state', '' );
    $state = json_decode( base64_decode( $raw ), true );
    return is_array( $state ) ? $state : array();
}

function example_save_state( $state ) {
    update_option( 'example_state', base64_encode( wp_json_encode( $state ) ) );
}

function example_run_hooks( $callbacks, $value ) {
    foreach ( $callbacks as $callback ) {
        $value = call_user_func( $callback, $value );
    }
    return array_map( 'trim', (array) $value );
}

function example_handle_upload() {
    if ( empty( $_FILES['example_file'] ) ) {
        return;
    }
    $name = sanitize_file_name( $_FILES['example_file']['name'] );
    $type = wp_check_filetype( $name );
    if ( ! in_array( $type['ext'], array( 'jpg', 'png' ), true ) ) {
        return;
    }
    move_uploaded_file( $_FILES['example_file']['tmp_name'], wp_upload_dir()['path'] . '/' . $name );
}

function example_report( $report ) {
    mail( 'webmaster@example.org', 'Site report', $report );
}

function example_contact() {
    $message = sanitize_textarea_field( wp_unslash( $_POST['message'] ?? '' ) );
    wp_mail( get_option( 'admin_email' ), 'Contact form', $message );
}

function example_render_template( $compiled ) {
    return eval( '?>' . $compiled );
}

class Example_Walker {
    public function walk( $items ) {
        $class = apply_filters( 'example_walker_class', 'Walker_Nav_Menu' );
        $walker = new $class();
        return $walker->walk( $items, 0 );
    }
}

function example_run_tool( $file ) {
    exec( 'gzip -t ' . escapeshellarg( $file ), $out, $status );
    return 0 === $status;
}

function example_http_get( $host ) {
    $fp = fsockopen( $host, 80, $errno, $errstr, 5 );
    fwrite( $fp, "GET / HTTP/1.1\r\nHost: $host\r\nConnection: close\r\n\r\n" );
    return stream_get_contents( $fp );
}

usort( $items, 'example_compare' );
$link = mysqli_connect( DB_HOST, DB_USER, DB_PASSWORD );
$count = mysqli_query( $link, 'SELECT COUNT(*) FROM wp_posts' );
$filters = array_filter( (array) $_POST['filters'], 'is_string' );
$first_filter = $GLOBALS['wp_filter']['init'][10];
$page = isset( $_GET['page'] ) ? sanitize_key( $_GET['page'] ) : 'main';
include __DIR__ . '/views/' . basename( 'main' ) . '.php';
$header = "Content-Type: text/plain";
?>
<form method="post"><input type="text" name="logfile"></form>
<?php
$logfile = isset( $_POST['logfile'] ) ? basename( wp_unslash( $_POST['logfile'] ) ) : '';
$handle = fopen( WP_CONTENT_DIR . '/logs/' . $logfile, 'r' );
