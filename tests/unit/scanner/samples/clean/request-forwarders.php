<?php
// Ordinary scripts that pass on a request or call home for a good reason; none hides where
// the visitor's data goes.

// 1. A webhook relay: the raw body goes to the address the deployment configures.
function relay_webhook()
{
    $raw = file_get_contents('php://input');
    $ch = curl_init(getenv('RELAY_URL'));
    curl_setopt($ch, CURLOPT_POST, true);
    curl_setopt($ch, CURLOPT_POSTFIELDS, $raw);
    curl_setopt($ch, CURLOPT_HTTPHEADER, array('Content-Type: application/json'));
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, true);
    $answer = curl_exec($ch);
    curl_close($ch);
    return $answer;
}

// 2. A PayPal IPN listener: the notification is posted back to PayPal for checking.
function verify_ipn()
{
    $raw_post_data = file_get_contents('php://input');
    $req = 'cmd=_notify-validate&' . $raw_post_data;
    $ch = curl_init('https://ipnpb.paypal.com/cgi-bin/webscr');
    curl_setopt($ch, CURLOPT_POST, 1);
    curl_setopt($ch, CURLOPT_POSTFIELDS, $req);
    curl_setopt($ch, CURLOPT_RETURNTRANSFER, 1);
    $res = curl_exec($ch);
    curl_close($ch);
    return strcmp($res, 'VERIFIED') == 0;
}

// 3. A commercial plugin's licence check: its server's address is kept encoded (as some
// vendors do), but only the licence key and the site's address are sent; the plugin's own
// REST handler reads the request body and stores its settings locally.
function plugin_license_check($key)
{
    $api = base64_decode('aHR0cHM6Ly9saWNlbnNpbmcuZXhhbXBsZS5jb20vYXBpL3YyL2NoZWNr');
    $resp = wp_remote_post($api, array('body' => array('key' => $key, 'site' => home_url())));
    return json_decode(wp_remote_retrieve_body($resp), true);
}

function plugin_rest_settings()
{
    $settings = json_decode(file_get_contents('php://input'), true);
    update_option('plugin_settings', $settings);
    return array('saved' => true);
}

// 4. A contact form that hands its fields to the CRM at a written address.
if (!empty($_POST['email'])) {
    $payload = json_encode($_POST);
    @file_get_contents('https://crm.example.com/api/leads', false, stream_context_create(array(
        'http' => array('method' => 'POST', 'header' => "Content-Type: application/json\r\n", 'content' => $payload),
    )));
}

// 5. An analytics proxy: the tracker's query string is passed on to the site's own
// analytics server (an address written out, the answer given back to the browser).
function analytics_proxy()
{
    $url = 'https://analytics.example.com/matomo.php?' . http_build_query($_GET);
    $answer = file_get_contents($url, false, stream_context_create(array('http' => array(
        'method' => 'GET', 'header' => 'User-Agent: ' . $_SERVER['HTTP_USER_AGENT'],
    ))));
    header('Content-Type: image/gif');
    echo $answer;
}

// 6. A sign-in form that came back with an encoded return address: the visitor is sent
// back there and the form is logged to the site's own file, nothing is posted away.
if (isset($_POST['login'])) {
    file_put_contents(__DIR__ . '/logs/logins.log', json_encode($_POST) . "\n", FILE_APPEND);
    header('Location: ' . base64_decode('aHR0cHM6Ly9leGFtcGxlLmNvbS9hY2NvdW50'));
    exit;
}
