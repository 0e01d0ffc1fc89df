<?php
// a shop sends visitors to their country's store; sign-in buttons name Google and Facebook
$info = json_decode(file_get_contents('http://ip-api.com/json/' . $_SERVER['REMOTE_ADDR']), true);
$stores = array('FR' => '/fr/', 'DE' => '/de/', 'ES' => '/es/', 'IT' => '/it/');
if (isset($info['countryCode'], $stores[$info['countryCode']])) {
    header('Location: ' . $stores[$info['countryCode']]);
    exit;
}
?>
<div class="login">
  <a class="btn" href="/auth/google"><?php echo 'Sign in with Google'; ?></a>
  <p>Or use your account with one of our partners.</p>
  <p>We also accept payments processed by our bank and card networks worldwide.</p>
  <a class="btn" href="/auth/facebook"><?php echo 'Sign in with Facebook'; ?></a>
  <p>Delivery of parcels is handled by several carriers depending on the region.</p>
  <p>Returns are free within thirty days; see the terms of sale for the details.</p>
  <a class="btn" href="/auth/amazon"><?php echo 'Sign in with Amazon'; ?></a>
</div>
